/* What every benchmark needs: a fast, repeatable random stream (the same
 * figures from the same build), the two clocks, and the process's memory.
 * Each benchmark's header says which clock its figures are on. */
#ifndef SHISA_BENCH_UTIL_H
#define SHISA_BENCH_UTIL_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef BENCH_SEED
#define BENCH_SEED 0x2545f4914f6cdd1dull
#endif

static uint64_t bench_rng = BENCH_SEED;

/* xorshift64*: the next number of the stream. */
static inline uint64_t rnd(void)
{
	bench_rng ^= bench_rng >> 12;
	bench_rng ^= bench_rng << 25;
	bench_rng ^= bench_rng >> 27;
	return bench_rng * 2685821657736338717ull;
}

/* A number in [0, N). */
static inline uint32_t below(uint32_t n)
{
	return (uint32_t)((rnd() >> 32) % n);
}

static inline double seconds_on(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Elapsed time, for what another process does (a server answering). */
static inline double wall_seconds(void)
{
	return seconds_on(CLOCK_MONOTONIC);
}

/* This thread's CPU time: on a machine shared with other work, the wall
 * clock also counts the time others had the processor. */
static inline double cpu_seconds(void)
{
	return seconds_on(CLOCK_THREAD_CPUTIME_ID);
}

/* VmRSS or VmHWM of this process from /proc/self/status, in MB. */
static inline double status_mb(const char *field)
{
	char line[256];
	double kb = 0;
	size_t n = strlen(field);
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			kb = strtod(line + n + 1, NULL);
	if (f)
		fclose(f);
	return kb / 1024;
}

#endif
