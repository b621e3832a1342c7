/* Comparing team names; see name_key.h. */
#include <stdbool.h>
#include <string.h>
#include "core/json_writer.h"
#include "stats/name_key.h"

/* The code point of the LEN-byte UTF-8 sequence at S. */
static unsigned decode(const unsigned char *s, int len)
{
	if (len == 1)
		return s[0];
	unsigned c = s[0] & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
	for (int i = 1; i < len; i++)
		c = (c << 6) | (s[i] & 0x3Fu);
	return c;
}

void name_key(const char *name, char out[static NAME_KEY_MAX])
{
	const unsigned char *p = (const unsigned char *)(name ? name : "");
	size_t n = strlen((const char *)p), k = 0;
	bool blank = false;
	for (size_t i = 0; i < n;) {
		int len = utf8_seq_len(p + i, n - i);
		if (len == 0)
			len = 1;
		unsigned c = decode(p + i, len);
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x3000) {
			blank = k > 0;
			i += (size_t)len;
			continue;
		}
		char ascii = 0;
		if (c >= 0xFF01 && c <= 0xFF5E)
			ascii = (char)(c - 0xFEE0);
		else if (c < 0x80)
			ascii = (char)c;
		size_t need = (blank ? 1 : 0) + (ascii ? 1 : (size_t)len);
		if (k + need >= NAME_KEY_MAX)
			break;
		if (blank)
			out[k++] = ' ';
		blank = false;
		if (ascii) {
			out[k++] = ascii >= 'A' && ascii <= 'Z' ? (char)(ascii - 'A' + 'a') : ascii;
		} else {
			memcpy(out + k, p + i, (size_t)len);
			k += (size_t)len;
		}
		i += (size_t)len;
	}
	out[k] = '\0';
}
