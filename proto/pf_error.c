/*  pf_error.c — names for the PF_E* status codes (see pf_error.h).         */
#include "pf_error.h"

const char *
pf_strerror(int code)
{
    switch (code) {
    case PF_OK:        return "success";
    case PF_ENOMEM:    return "out of memory";
    case PF_EINVAL:    return "invalid argument";
    case PF_EPROTO:    return "malformed input";
    case PF_ETYPE:     return "field of the wrong type";
    case PF_ETOOBIG:   return "input exceeds a size or count limit";
    case PF_EDEPTH:    return "input nests too deeply";
    case PF_ETRAILING: return "trailing bytes after a complete value";
    case PF_EMISSING:  return "required field missing";
    case PF_EUNKNOWN:  return "unknown command, key or name";
    case PF_EVERSION:  return "unsupported protocol version";
    case PF_ENOTFOUND: return "no such object";
    case PF_EBUSY:     return "configured bound reached";
    case PF_EIO:       return "socket or file error";
    case PF_ETIMEDOUT: return "deadline passed";
    case PF_EDOMAIN:   return "not a public DNS name";
    case PF_ECYCLE:    return "module graph is not acyclic";
    case PF_ESTATE:    return "operation not valid in the current state";
    case PF_EUNAVAIL:  return "no instance of the service is available";
    default:           return "unknown error code";
    }
}
