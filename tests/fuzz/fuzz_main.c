/*  fuzz_main.c — runs a fuzz harness over saved inputs, without libFuzzer.

    Linked with one harness (tests/fuzz/fuzz_<name>.c) into the regression
    program fuzz_regress_<name>, which CTest runs over tests/fuzz/corpus/
    <name>/ in every build (gcc too, and under ASan + UBSan with
    tools/test --sanitize).  Each argument is a file, or a directory whose
    regular files (not starting with '.') are all run, in name order.  Each
    input is passed in a buffer of exactly its size so AddressSanitizer sees
    any read past its end.  A failing harness aborts (FUZZ_CHECK) or trips a
    sanitizer; the name of the input is printed before it runs.

    Exit status: 0 when every input ran, 1 when an argument could not be
    read or held no input at all, 2 on a usage error.                        */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*  Reads the whole file at path into a new buffer of exactly its size.    */
static int
s_read_file(const char *path, uint8_t **data_p, size_t *size_p)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0) {
        fclose(f);
        return -1;
    }
    size_t size = (size_t) st.st_size;
    /*  malloc(0) is a valid buffer that owns no bytes (see fuzz_util.c).  */
    uint8_t *data = malloc(size);
    if (!data && size == 0)
        data = malloc(1);
    if (!data || (size && fread(data, 1, size, f) != size)) {
        free(data);
        fclose(f);
        return -1;
    }
    fclose(f);
    *data_p = data;
    *size_p = size;
    return 0;
}

/*  Runs the harness on one file; returns 0, or -1 if it cannot be read.   */
static int
s_run_file(const char *path)
{
    uint8_t *data = NULL;
    size_t size = 0;
    if (s_read_file(path, &data, &size) != 0) {
        fprintf(stderr, "fuzz_main: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(stderr, "fuzz_main: %s (%zu bytes)\n", path, size);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

/*  Skips dot files ("." and "..", editor leftovers).                       */
static int
s_visible(const struct dirent *entry)
{
    return entry->d_name[0] != '.';
}

/*  Runs every regular file of dir; adds the count to *ran_p.              */
static int
s_run_dir(const char *dir, size_t *ran_p)
{
    struct dirent **entries = NULL;
    int n = scandir(dir, &entries, s_visible, alphasort);
    if (n < 0) {
        fprintf(stderr, "fuzz_main: cannot list %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(dir) + 1 + strlen(entries[i]->d_name) + 1;
        char *path = malloc(len);
        if (!path) {
            rc = -1;
            break;
        }
        snprintf(path, len, "%s/%s", dir, entries[i]->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (s_run_file(path) == 0)
                (*ran_p)++;
            else
                rc = -1;
        }
        free(path);
    }
    for (int i = 0; i < n; i++)
        free(entries[i]);
    free(entries);
    return rc;
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
        return 2;
    }
    size_t ran = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "fuzz_main: %s: %s\n", argv[i], strerror(errno));
            rc = 1;
        }
        else if (S_ISDIR(st.st_mode)) {
            if (s_run_dir(argv[i], &ran) != 0)
                rc = 1;
        }
        else if (s_run_file(argv[i]) == 0)
            ran++;
        else
            rc = 1;
    }
    if (ran == 0) {
        fprintf(stderr, "fuzz_main: no input ran\n");
        rc = 1;
    }
    fprintf(stderr, "fuzz_main: %zu inputs ran\n", ran);
    return rc;
}
