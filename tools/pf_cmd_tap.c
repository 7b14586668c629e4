/*  pf_cmd_tap.c — `pf tap`: the monitoring tap as JSON lines.

    Each event becomes one line {"topic": ..., <body fields>} flushed at
    once, so `pf tap | jq` and tests see events as they happen.  Runs until
    SIGINT/SIGTERM (exit 0), --count events, or --timeout.                  */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "pf_alloc.h"
#include "pf_cli.h"
#include "pf_cmd.h"
#include "pf_error.h"
#include "pf_json.h"
#include "pf_tapsub.h"

static void
s_help(void)
{
    printf("usage: pf tap [PREFIX...] [--count N] [--timeout S] [endpoint flags]\n\n"
           "Subscribes to the coordinator's tap and prints each event whose topic\n"
           "starts with one of the PREFIXes (default: every event) as one JSON line\n"
           "{\"topic\": ..., ...body}.  Runs until SIGINT or SIGTERM (exit 0).\n"
           "The tap drops events for slow subscribers; it is for watching, not\n"
           "for bookkeeping.\n\n"
           "  --count N      exit 0 after N events\n"
           "  --timeout S    stop after S seconds: exit 0, or 1 if --count was not reached\n"
           PF_CLI_ENDPOINT_HELP);
}

/*  Writes one event as a JSON line.  Returns 0 or PF_EIO (errno set).     */
static int
s_print(const char *topic, const pf_value_t *event)
{
    json_t *line = json_object();
    json_object_set_new(line, "topic", json_string(topic));
    json_t *body = pf_json_from_value(event);
    json_object_update(line, body);
    json_decref(body);
    /*  The line's topic is the frame's, whatever the body says.            */
    json_object_set_new(line, "topic", json_string(topic));
    char *text = pf_json_dump(line, PF_JSON_COMPACT);
    json_decref(line);
    if (!text) {
        errno = ENOMEM;
        return PF_EIO;
    }
    int ok = fputs(text, stdout) >= 0 && fputc('\n', stdout) != EOF;
    free(text);
    return fflush(stdout) == 0 && ok ? PF_OK : PF_EIO;
}

int
pf_cmd_tap(int argc, char **argv)
{
    pf_cli_t cli;
    if (pf_cli_init(&cli, "tap") != PF_OK)
        return PF_EXIT_USAGE;
    uint32_t count = 0;
    const char **prefixes = pf_calloc((size_t)argc, sizeof *prefixes);
    size_t prefix_count = 0;
    int status = PF_EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        int rc = pf_cli_common(&cli, argc, argv, &i);
        if (rc < 0)
            goto done;
        if (rc > 0)
            continue;
        if (pf_cli_is_help(argv[i])) {
            s_help();
            status = PF_EXIT_OK;
            goto done;
        }
        const char *value = NULL;
        if ((rc = pf_cli_value(&cli, argc, argv, &i, "--count", &value)) != 0) {
            if (rc < 0)
                goto done;
            if (pf_config_parse_u32(value, 1, UINT32_MAX, &count) != PF_OK) {
                pf_cli_usage(&cli, "--count wants a positive integer, not '%s'", value);
                goto done;
            }
        } else if (argv[i][0] == '-') {
            pf_cli_usage(&cli, "unexpected argument '%s'", argv[i]);
            goto done;
        } else {
            prefixes[prefix_count++] = argv[i];
        }
    }

    status = PF_EXIT_FAIL;
    pf_tapsub_t *tap = pf_tapsub_new(cli.config.tap_endpoint, prefix_count ? prefixes[0] : "");
    if (!tap) {
        fprintf(stderr, "pf tap: cannot connect to tap endpoint '%s': %s\n",
                cli.config.tap_endpoint, zmq_strerror(errno));
        goto done;
    }
    for (size_t p = 1; p < prefix_count; p++)
        pf_tapsub_subscribe(tap, prefixes[p]);
    int stop_fd = pf_cli_catch_stop_signals();
    if (stop_fd < 0) {
        fprintf(stderr, "pf tap: cannot install signal handling: %s\n", strerror(errno));
        pf_tapsub_destroy(&tap);
        goto done;
    }
    long long deadline = cli.timeout_ms > 0 ? pf_cli_now_ms() + cli.timeout_ms : -1;
    uint32_t seen = 0;
    for (;;) {
        if (pf_cli_stop_signal()) {
            status = PF_EXIT_OK;
            break;
        }
        long wait = -1;
        if (deadline >= 0) {
            long long left = deadline - pf_cli_now_ms();
            if (left <= 0) {
                if (count > 0)
                    fprintf(stderr, "pf tap: %u of %u events before the timeout\n", seen, count);
                status = count > 0 ? PF_EXIT_FAIL : PF_EXIT_OK;
                break;
            }
            wait = (long)left;
        }
        zmq_pollitem_t items[2] = {
            { pf_tapsub_socket(tap), 0, ZMQ_POLLIN, 0 },
            { NULL, stop_fd, ZMQ_POLLIN, 0 },
        };
        if (zmq_poll(items, 2, wait) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "pf tap: poll failed: %s\n", zmq_strerror(errno));
            break;
        }
        if (!(items[0].revents & ZMQ_POLLIN))
            continue;
        /*  Drain what is here before polling again.                        */
        char topic[PF_TAPSUB_TOPIC_MAX + 1];
        pf_value_t *event = NULL;
        int rc;
        bool failed = false;
        while (!pf_cli_stop_signal() && (count == 0 || seen < count)
               && (rc = pf_tapsub_recv(tap, 0, topic, &event)) == PF_OK) {
            rc = s_print(topic, event);
            pf_value_destroy(&event);
            if (rc != PF_OK) {
                /*  A reader that went away (| head) ends us quietly.       */
                if (errno != EPIPE)
                    fprintf(stderr, "pf tap: cannot write: %s\n", strerror(errno));
                status = errno == EPIPE ? PF_EXIT_OK : PF_EXIT_FAIL;
                failed = true;
                break;
            }
            seen++;
        }
        if (failed)
            break;
        if (count > 0 && seen >= count) {
            status = PF_EXIT_OK;
            break;
        }
    }
    pf_tapsub_destroy(&tap);
done:
    free(prefixes);
    return status;
}
