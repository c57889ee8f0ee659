/*
 * A Workload API caller that can hand its connection to another process, for the attestation tests.
 * It speaks just enough HTTP/2 to send one FetchJWTSVID call and report the answer:
 *   "svid <spiffe-id> ..." when SVIDs came back, "status <grpc-status>" otherwise.
 *
 * usage:
 *   workload-probe fetch SOCKET AUD          connect, ask, report (an honest caller)
 *   workload-probe use-fd FD AUD             ask on an inherited connection, report
 *   workload-probe idle SECONDS              hold on to inherited descriptors, then exit
 *   workload-probe exec-after SOCKET AUD EXE connect, then exec EXE (`use-fd`) in place: EXE asks
 *   workload-probe fork-child SOCKET AUD EXE connect, fork; the child execs EXE (`use-fd`) and asks,
 *                                            the parent waits for it
 *   workload-probe fork-parent SOCKET AUD EXE [close]
 *                                            connect, fork; the parent execs EXE (`idle`), closing the
 *                                            connection first with `close`; the child asks
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int connect_to(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0); /* no SOCK_CLOEXEC: the connection is meant to be inherited */
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    strncpy(addr.sun_path, path, sizeof(addr.sun_path) - 1);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        printf("error connect %d\n", errno);
        exit(2);
    }
    return fd;
}

static void write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) {
            printf("error write %d\n", errno);
            exit(2);
        }
        p += w;
        n -= (size_t)w;
    }
}

static size_t frame(unsigned char *out, size_t length, int type, int flags, int stream)
{
    out[0] = (unsigned char)(length >> 16);
    out[1] = (unsigned char)(length >> 8);
    out[2] = (unsigned char)length;
    out[3] = (unsigned char)type;
    out[4] = (unsigned char)flags;
    out[5] = (unsigned char)(stream >> 24);
    out[6] = (unsigned char)(stream >> 16);
    out[7] = (unsigned char)(stream >> 8);
    out[8] = (unsigned char)stream;
    return 9;
}

/* HPACK "literal header field without indexing, new name", no Huffman coding. */
static size_t header(unsigned char *out, const char *name, const char *value)
{
    size_t n = 0, ln = strlen(name), lv = strlen(value);
    out[n++] = 0;
    out[n++] = (unsigned char)ln;
    memcpy(out + n, name, ln);
    n += ln;
    out[n++] = (unsigned char)lv;
    memcpy(out + n, value, lv);
    return n + lv;
}

static const unsigned char *find(const unsigned char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++) {
        if (memcmp(hay + i, needle, k) == 0) {
            return hay + i;
        }
    }
    return NULL;
}

static int read_exact(int fd, unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r <= 0) {
            return -1;
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static int fetch(int fd, const char *aud)
{
    static unsigned char buf[65536];
    size_t n = 0;
    const char *preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    memcpy(buf, preface, strlen(preface));
    n += strlen(preface);
    n += frame(buf + n, 0, 4, 0, 0); /* SETTINGS */

    unsigned char block[512];
    size_t h = 0;
    h += header(block + h, ":method", "POST");
    h += header(block + h, ":scheme", "http");
    h += header(block + h, ":path", "/SpiffeWorkloadAPI/FetchJWTSVID");
    h += header(block + h, ":authority", "localhost");
    h += header(block + h, "content-type", "application/grpc");
    h += header(block + h, "te", "trailers");
    h += header(block + h, "workload.spiffe.io", "true");
    n += frame(buf + n, h, 1, 4, 1); /* HEADERS, END_HEADERS */
    memcpy(buf + n, block, h);
    n += h;

    /* JWTSVIDRequest { audience: [aud] } behind gRPC's 5-byte prefix. */
    size_t la = strlen(aud), lm = 2 + la;
    n += frame(buf + n, 5 + lm, 0, 1, 1); /* DATA, END_STREAM */
    unsigned char prefix[5] = { 0, 0, 0, 0, (unsigned char)lm };
    memcpy(buf + n, prefix, 5);
    n += 5;
    buf[n++] = 0x0a;
    buf[n++] = (unsigned char)la;
    memcpy(buf + n, aud, la);
    n += la;
    write_all(fd, buf, n);

    for (;;) {
        unsigned char head[9];
        if (read_exact(fd, head, 9) != 0) {
            printf("error closed\n");
            return 2;
        }
        size_t length = ((size_t)head[0] << 16) | ((size_t)head[1] << 8) | head[2];
        int type = head[3], flags = head[4];
        int stream = ((head[5] & 0x7f) << 24) | (head[6] << 16) | (head[7] << 8) | head[8];
        if (length > sizeof(buf) || read_exact(fd, buf, length) != 0) {
            printf("error frame\n");
            return 2;
        }
        if (type == 4 && !(flags & 1)) { /* SETTINGS: acknowledge */
            unsigned char ack[9];
            frame(ack, 0, 4, 1, 0);
            write_all(fd, ack, 9);
        }
        if (stream != 1) {
            continue;
        }
        if (type == 0) { /* DATA: the response message holds the SPIFFE IDs */
            const unsigned char *id = find(buf, length, "spiffe://");
            if (id != NULL) {
                printf("svid");
                while (id != NULL) {
                    size_t k = 0;
                    while (id + k < buf + length && id[k] > 0x20 && id[k] < 0x7f) {
                        k++;
                    }
                    printf(" %.*s", (int)k, (const char *)id);
                    id = find(id + k, (size_t)(buf + length - (id + k)), "spiffe://");
                }
                printf("\n");
                return 0;
            }
        }
        if (type == 1 && (flags & 1)) { /* HEADERS, END_STREAM: trailers */
            const unsigned char *at = find(buf, length, "grpc-status");
            if (at != NULL && at + 13 <= buf + length) {
                printf("status %.*s\n", at[11] & 0x7f, (const char *)at + 12);
            } else {
                printf("status ?\n");
            }
            return 0;
        }
    }
}

/* Only changes the executable's bytes, for tests that pin a binary by its hash. */
const int probe_variant = PROBE_VARIANT;

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 0) {
        return probe_variant;
    }
    if (argc >= 4 && strcmp(argv[1], "fetch") == 0) {
        return fetch(connect_to(argv[2]), argv[3]);
    }
    if (argc >= 4 && strcmp(argv[1], "use-fd") == 0) {
        return fetch(atoi(argv[2]), argv[3]);
    }
    if (argc >= 3 && strcmp(argv[1], "idle") == 0) {
        sleep((unsigned)atoi(argv[2]));
        return 0;
    }
    if (argc >= 5) {
        int fd = connect_to(argv[2]);
        char fdtext[16];
        snprintf(fdtext, sizeof(fdtext), "%d", fd);
        char *use[] = { argv[4], "use-fd", fdtext, argv[3], NULL };
        char *idle[] = { argv[4], "idle", "3", NULL };
        if (strcmp(argv[1], "exec-after") == 0) {
            execv(argv[4], use);
        } else if (strcmp(argv[1], "fork-child") == 0) {
            pid_t child = fork();
            if (child == 0) {
                execv(argv[4], use);
                _exit(3);
            }
            int status;
            waitpid(child, &status, 0);
            return 0;
        } else if (strcmp(argv[1], "fork-parent") == 0) {
            if (fork() == 0) {
                usleep(300 * 1000); /* the parent has exec'd by now */
                return fetch(fd, argv[3]);
            }
            if (argc >= 6 && strcmp(argv[5], "close") == 0) {
                close(fd);
            }
            execv(argv[4], idle);
        }
        printf("error exec %d\n", errno);
        return 3;
    }
    fprintf(stderr, "usage: see the comment at the top of workload-probe.c\n");
    return 64;
}
