/*
 * delayline: a fixed-delay line for IP packets, for bench/testbed.sh (this kernel has no netem).
 *
 * It creates the TUN device NAME (no packet-info header), reads every packet the kernel routes
 * into it, holds it for DELAY_US microseconds in a FIFO and writes it back into the same device,
 * where the kernel routes it on (policy routing sends a router's forwarded packets here, and the
 * packets coming back out of the TUN device take the main table).
 *
 * One thread: ppoll() on the device with a timeout that ends when the oldest held packet is due.
 * Packets that arrive while the FIFO is full are dropped (and counted on exit).
 *
 * Usage: delayline NAME DELAY_US        (stops on SIGTERM/SIGINT; prints "ready NAME" once open)
 * Build: cc -O2 -Wall -o delayline delayline.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 8192   /* power of two; 8192 x 2 KiB = 16 MiB, > 100 Mbit/s x 1 s */
#define SLOT_BYTES 2048

struct slot { uint64_t due_ns; uint16_t len; unsigned char data[SLOT_BYTES]; };

static struct slot *fifo;
static unsigned head, tail;  /* head: oldest held; tail: next free; count = tail - head */
static volatile sig_atomic_t stop;

static void on_signal(int sig) { (void)sig; stop = 1; }

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int open_tun(const char *name) {
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) { perror("open /dev/net/tun"); exit(1); }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) { perror("TUNSETIFF"); exit(1); }
    return fd;
}

/* Reads every packet waiting on the device into the FIFO, stamped with its due time. */
static void read_all(int fd, uint64_t delay_ns, unsigned long *dropped) {
    static unsigned char spill[65536];
    for (;;) {
        int full = tail - head == SLOTS;
        struct slot *s = &fifo[tail & (SLOTS - 1)];
        ssize_t n = read(fd, full ? spill : s->data, full ? sizeof spill : SLOT_BYTES);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) return;
            perror("read"); exit(1);
        }
        if (full || n == 0) { (*dropped)++; continue; }
        s->len = (uint16_t)n;
        s->due_ns = now_ns() + delay_ns;
        tail++;
    }
}

/* Writes every packet that is due back into the device. */
static void write_due(int fd) {
    uint64_t now = now_ns();
    while (head != tail && fifo[head & (SLOTS - 1)].due_ns <= now) {
        struct slot *s = &fifo[head & (SLOTS - 1)];
        if (write(fd, s->data, s->len) < 0 && errno == EAGAIN) return; /* retried on the next turn */
        head++;
    }
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s TUN-NAME DELAY_US\n", argv[0]); return 2; }
    uint64_t delay_ns = strtoull(argv[2], NULL, 10) * 1000u;
    fifo = calloc(SLOTS, sizeof *fifo);
    if (!fifo) { perror("calloc"); return 1; }
    int fd = open_tun(argv[1]);
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    printf("ready %s\n", argv[1]);
    fflush(stdout);

    unsigned long dropped = 0;
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    while (!stop) {
        struct timespec timeout, *tp = NULL;
        if (head != tail) {
            uint64_t due = fifo[head & (SLOTS - 1)].due_ns, now = now_ns();
            uint64_t wait = due > now ? due - now : 0;
            timeout.tv_sec = (time_t)(wait / 1000000000u);
            timeout.tv_nsec = (long)(wait % 1000000000u);
            tp = &timeout;
        }
        int r = ppoll(&pfd, 1, tp, NULL);
        if (r < 0 && errno != EINTR) { perror("ppoll"); return 1; }
        if (r > 0 && (pfd.revents & POLLIN)) read_all(fd, delay_ns, &dropped);
        write_due(fd);
    }
    fprintf(stderr, "delayline %s: stopped, %lu packets dropped (FIFO full)\n", argv[1], dropped);
    return 0;
}
