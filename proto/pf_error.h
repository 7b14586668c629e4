/*  pf_error.h — the one status convention of PartnerForge.

    Every function that can fail returns int: 0 (PF_OK) on success, a negative
    PF_E* code on failure.  Results travel through out-parameters that are set
    only on success.  pf_strerror() names a code for people.                    */
#ifndef PF_ERROR_H
#define PF_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

enum {
    PF_OK = 0,
    PF_ENOMEM = -1,      /* allocation failed                                   */
    PF_EINVAL = -2,      /* caller passed an invalid argument                   */
    PF_EPROTO = -3,      /* malformed input: bad framing, bad msgpack           */
    PF_ETYPE = -4,       /* well-formed input with a field of the wrong type    */
    PF_ETOOBIG = -5,     /* input exceeds a size, length or count cap           */
    PF_EDEPTH = -6,      /* input nests deeper than allowed                     */
    PF_ETRAILING = -7,   /* bytes left after a complete value                   */
    PF_EMISSING = -8,    /* a required field is absent                          */
    PF_EUNKNOWN = -9,    /* unknown command, key or name                        */
    PF_EVERSION = -10,   /* unsupported protocol version                        */
    PF_ENOTFOUND = -11,  /* no such object                                      */
    PF_EBUSY = -12,      /* a configured bound is reached; nothing was accepted */
    PF_EIO = -13,        /* socket or file error (see errno)                    */
    PF_ETIMEDOUT = -14,  /* a deadline passed                                   */
    PF_EDOMAIN = -15,    /* not a public DNS name                               */
    PF_ECYCLE = -16,     /* the module graph is not acyclic                     */
    PF_ESTATE = -17,     /* operation not valid in the object's current state   */
    PF_EUNAVAIL = -18,   /* no instance of a service is available               */
};

/*  Returns a static, human-readable description of a PF_E* code.           */
const char *pf_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif
