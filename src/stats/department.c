/* Grouping organising departments; see department.h. */
#include <stddef.h>
#include <string.h>
#include "stats/department.h"

const char *const department_keys[] = {
	"it_systems", "security", "risk", "planning", "legal", "audit", "development", "general_affairs", "quality",
	"other", NULL,
};

/* The words of each group, tried in this order (lowercase for English). */
static const struct {
	const char *key;
	const char *const words[8];
} groups[] = {
	{"security", {"セキュリティ", "security", NULL}},
	{"it_systems", {"情報システム", "システム管理", "システム部", "情シス", "information system", "it system",
	                "it department", NULL}},
	{"risk", {"リスク", "危機管理", "risk", NULL}},
	{"planning", {"経営企画", "企画", "planning", "strategy", NULL}},
	{"legal", {"法務", "コンプライアンス", "legal", "compliance", NULL}},
	{"audit", {"監査", "audit", NULL}},
	{"quality", {"品質", "quality", NULL}},
	{"development", {"開発", "研究", "development", "research", "engineering", NULL}},
	{"general_affairs", {"総務", "general affairs", "administration", NULL}},
};

const char *department_classify(const char *text)
{
	char lower[1024];
	size_t k = 0;
	for (const char *p = text ? text : ""; *p && k + 1 < sizeof(lower); p++) {
		char c = *p;
		lower[k++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	lower[k] = '\0';
	/* Blanks, the ideographic space (E3 80 80) among them: nothing given. */
	if (strspn(lower, " \t\r\n\xE3\x80") == k)
		return NULL;
	const char *start = lower + strspn(lower, " \t");
	for (size_t i = 0; department_keys[i]; i++) {
		size_t n = strlen(department_keys[i]);
		if (!strncmp(start, department_keys[i], n) && strspn(start + n, " \t") == strlen(start + n))
			return department_keys[i];
	}
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (size_t w = 0; groups[g].words[w]; w++)
			if (strstr(lower, groups[g].words[w]))
				return groups[g].key;
	return "other";
}
