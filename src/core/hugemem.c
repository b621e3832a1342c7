/* Large tables on huge pages; see hugemem.h. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "core/hugemem.h"

void *huge_alloc(size_t bytes)
{
	size_t align = bytes >= HUGEMEM_MIN ? HUGEMEM_PAGE : 64;
	size_t size = (bytes + align - 1) & ~(align - 1);
	void *p = aligned_alloc(align, size ? size : align);
#ifdef MADV_HUGEPAGE
	if (p && align == HUGEMEM_PAGE && !getenv("NOTHP"))
		madvise(p, size, MADV_HUGEPAGE);
#endif
	return p;
}

void *huge_move(void *p, size_t n, size_t size)
{
	void *q = n ? huge_alloc(n * size) : NULL;
	if (q)
		memcpy(q, p, n * size);
	free(p);
	return q;
}
