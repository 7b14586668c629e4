/*  pf_domain.c — decides whether a string names a public DNS host we may
    enrich, and returns its canonical ASCII form (see pf_domain.h).

    Pipeline:
      1. raw byte checks: empty, over PFP_DOMAIN_IN_MAX, NUL/control bytes,
         spaces, and the characters that turn a host into a URL, a user
         address or an IPv6 literal (@ : / \ % [ ]);
      2. one trailing dot is stripped (the root of an absolute name);
      3. non-ASCII input goes through libidn2's idn2_lookup_u8 with
            IDN2_NFC_INPUT             normalise to NFC first (what users type
                                       is often decomposed),
            IDN2_NONTRANSITIONAL       UTS#46 mapping with non-transitional
                                       processing: case folding and width
                                       mapping as browsers do today, and
                                       deviation characters (ß, ς, ZWJ/ZWNJ)
                                       kept, as IDNA2008 registries encode
                                       them, rather than mapped away,
            IDN2_USE_STD3_ASCII_RULES  no ASCII outside LDH survives mapping
                                       (a fullwidth '/' must not become '/');
         ASCII input is lower-cased directly, and every xn-- label in it must
         survive a round trip A-label -> U-label -> lookup -> same A-label, so
         invalid or non-canonical Punycode is refused;
      4. the ASCII result is checked: LDH labels of 1..63 bytes not starting
         or ending with '-', at most 253 bytes, at least two labels, no IPv4
         spelling (every inet_aton form ends in a numeric label: decimal,
         octal or 0x-hex), no special-use or internal top-level name.       */
#include "pf_domain.h"

#include <assert.h>
#include <idn2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_error.h"
#include "pf_pfp.h"

/*  DNS limits (RFC 1035): bytes in a label and in a whole name.            */
#define S_LABEL_MAX 63
#define S_NAME_MAX 253
/*  IPv4 has at most four dotted parts in any inet_aton spelling.           */
#define S_IPV4_PARTS_MAX 4
/*  Flags for libidn2, explained in the file comment.                        */
#define S_IDN2_FLAGS (IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL | IDN2_USE_STD3_ASCII_RULES)
/*  The prefix of an IDNA A-label.                                           */
#define S_ACE_PREFIX "xn--"

/*  Top-level names that never lead to a public host: RFC 6761 special-use
    names, RFC 6762 mDNS, RFC 8375 home.arpa (all of .arpa is
    infrastructure), ICANN's .internal, Tor's .onion, and the common
    localdomain of /etc/hosts.                                               */
static const char *const s_reserved_tlds[] = {
    "localhost", "local", "internal", "localdomain", "arpa",
    "test", "example", "invalid", "onion",
};

/*  Sets *why and returns PF_EDOMAIN.                                        */
static int
s_reject(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return PF_EDOMAIN;
}

static bool
s_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool
s_is_hex(char c)
{
    return s_is_digit(c) || (c >= 'a' && c <= 'f');
}

static bool
s_is_ldh(char c)
{
    return (c >= 'a' && c <= 'z') || s_is_digit(c) || c == '-';
}

/*  Is label[0..len) a number as inet_aton reads one: decimal, octal with a
    leading 0, or hex with 0x (possibly with no digits)?                     */
static bool
s_is_numeric_label(const char *label, size_t len)
{
    if (len >= 2 && label[0] == '0' && label[1] == 'x') {
        for (size_t i = 2; i < len; i++)
            if (!s_is_hex(label[i]))
                return false;
        return true;
    }
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!s_is_digit(label[i]))
            return false;
    return true;
}

/*  Checks the raw input bytes before any conversion.                        */
static int
s_check_bytes(const char *in, size_t len, bool *ascii_p, const char **why)
{
    bool ascii = true;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) in[i];
        if (c < 0x20 || c == 0x7f)
            return s_reject(why, "contains a NUL or control character");
        if (c == ' ')
            return s_reject(why, "contains a space");
        if (c == '[' || c == ']' || c == ':')
            return s_reject(why, "IPv6 address or port, not a host name");
        if (c == '@' || c == '/' || c == '\\' || c == '%')
            return s_reject(why, "contains a URL character (@ / \\ %), not a bare host name");
        if (c >= 0x80)
            ascii = false;
    }
    *ascii_p = ascii;
    return 0;
}

/*  Converts a non-ASCII name (NUL-terminated) to its A-label form.         */
static int
s_idna_to_ascii(const char *name, char **ascii_p, const char **why)
{
    uint8_t *out = NULL;
    int rc = idn2_lookup_u8((const uint8_t *) name, &out, S_IDN2_FLAGS);
    if (rc != IDN2_OK) {
        idn2_free(out);
        return s_reject(why, idn2_strerror(rc));
    }
    *ascii_p = (char *) out;
    return 0;
}

/*  For an ASCII name that has xn-- labels: do they decode to a name whose
    lookup gives them back exactly?                                         */
static int
s_check_alabels(const char *name, const char **why)
{
    bool has_ace = strncmp(name, S_ACE_PREFIX, strlen(S_ACE_PREFIX)) == 0;
    for (const char *p = strchr(name, '.'); p && !has_ace; p = strchr(p + 1, '.'))
        has_ace = strncmp(p + 1, S_ACE_PREFIX, strlen(S_ACE_PREFIX)) == 0;
    if (!has_ace)
        return 0;
    char *unicode = NULL;
    if (idn2_to_unicode_8z8z(name, &unicode, 0) != IDN2_OK) {
        idn2_free(unicode);
        return s_reject(why, "invalid IDNA A-label (xn--)");
    }
    char *back = NULL;
    int rc = idn2_lookup_u8((const uint8_t *) unicode, (uint8_t **) &back, S_IDN2_FLAGS);
    bool same = rc == IDN2_OK && strcmp(back, name) == 0;
    idn2_free(unicode);
    idn2_free(back);
    if (!same)
        return s_reject(why, "invalid IDNA A-label (xn--)");
    return 0;
}

/*  The structural checks on the lower-case ASCII form.                      */
static int
s_check_ascii(const char *name, const char **why)
{
    size_t len = strlen(name);
    if (len == 0)
        return s_reject(why, "empty name");

    size_t labels = 0, numeric = 0;
    const char *last = name;
    size_t last_len = 0;
    for (const char *label = name;; ) {
        const char *dot = strchr(label, '.');
        size_t llen = dot ? (size_t) (dot - label) : strlen(label);
        if (llen == 0)
            return s_reject(why, "empty label (two dots in a row, or a leading dot)");
        labels++;
        numeric += s_is_numeric_label(label, llen);
        last = label;
        last_len = llen;
        if (!dot)
            break;
        label = dot + 1;
    }
    if (numeric == labels && labels <= S_IPV4_PARTS_MAX)
        return s_reject(why, "IPv4 address literal, not a host name");
    if (s_is_numeric_label(last, last_len))
        return s_reject(why, "top-level label is numeric (an IP address spelling)");

    for (size_t i = 0; i < sizeof s_reserved_tlds / sizeof *s_reserved_tlds; i++)
        if (strlen(s_reserved_tlds[i]) == last_len
            && memcmp(s_reserved_tlds[i], last, last_len) == 0)
            return s_reject(why, labels == 1 && strcmp(name, "localhost") == 0
                                     ? "localhost is not a public host"
                                     : "special-use or internal top-level name");
    if (labels < 2)
        return s_reject(why, "single label, not a public DNS name");
    if (len > S_NAME_MAX)
        return s_reject(why, "name longer than 253 bytes");

    for (const char *label = name;; ) {
        const char *dot = strchr(label, '.');
        size_t llen = dot ? (size_t) (dot - label) : strlen(label);
        if (llen > S_LABEL_MAX)
            return s_reject(why, "label longer than 63 bytes");
        for (size_t i = 0; i < llen; i++)
            if (!s_is_ldh(label[i]))
                return s_reject(why, "character outside letters, digits and hyphen");
        if (label[0] == '-' || label[llen - 1] == '-')
            return s_reject(why, "label starts or ends with a hyphen");
        if (!dot)
            break;
        label = dot + 1;
    }
    return 0;
}

int
pf_domain_normalize(const char *in, size_t len, char *out, size_t out_size,
                    const char **why)
{
    assert(out && out_size > S_NAME_MAX);
    if (!in || len == 0)
        return s_reject(why, "empty name");
    if (len > PFP_DOMAIN_IN_MAX)
        return s_reject(why, "name too long");
    bool ascii = true;
    int rc = s_check_bytes(in, len, &ascii, why);
    if (rc)
        return rc;

    bool stripped = false;
    if (in[len - 1] == '.') {
        len--;   /* the root of an absolute name; only one */
        stripped = true;
    }
    if (len == 0)
        return s_reject(why, "empty name");

    char *name;
    if (ascii) {
        name = pf_strndup(in, len);
        for (char *p = name; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char) (*p - 'A' + 'a');
    }
    else {
        char *raw = pf_strndup(in, len);
        char *converted = NULL;
        rc = s_idna_to_ascii(raw, &converted, why);
        free(raw);
        if (rc)
            return rc;
        /*  libidn2 allocates with malloc: copy into our own so every path
            frees alike.  A trailing ideographic full stop maps to '.'.     */
        size_t clen = strlen(converted);
        if (!stripped && clen > 0 && converted[clen - 1] == '.')
            clen--;
        name = pf_strndup(converted, clen);
        idn2_free(converted);
    }

    rc = s_check_ascii(name, why);
    if (rc == 0)
        rc = s_check_alabels(name, why);
    if (rc == 0) {
        size_t n = strlen(name);
        memcpy(out, name, n + 1);
    }
    free(name);
    return rc;
}
