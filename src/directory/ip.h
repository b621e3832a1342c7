/* IP addresses as people type them into the directory: strict parsers that
 * say what is wrong (a leading zero, or anything else), and RFC 5952 text.
 * Written here rather than taken from inet_pton, which answers only yes or
 * no; fuzz/fuzz_fields.c checks that the two accept the same addresses.
 * Used by field_cidr and field_url (src/directory/fields.h), whose result
 * codes they return. */
#ifndef SHISA_IP_H
#define SHISA_IP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "directory/fields.h"

#define IP_TEXT_MAX 46          /* INET6_ADDRSTRLEN: the longest text, NUL included */

/* N bytes at S as four decimal numbers 0-255 joined by dots, nothing else
 * (no "10/8" short forms, no hex). FIELD_OK with A filled in;
 * FIELD_IP_LEADING_ZERO when only a leading zero is wrong ("010" is 8 to
 * inet_aton, 10 to a person); FIELD_CIDR_SYNTAX otherwise. */
enum field_result ip_parse4(const char *s, size_t n, uint8_t a[static 4]);

/* N bytes at S as RFC 4291 text: eight groups of 1 to 4 hex digits, one
 * "::" standing for one or more zero groups, the last 32 bits possibly a
 * dotted quad. Results as ip_parse4 (a leading zero in the dotted quad is
 * FIELD_IP_LEADING_ZERO). Zone ids are FIELD_CIDR_SYNTAX: callers that
 * want to name them look for '%' first. */
enum field_result ip_parse6(const char *s, size_t n, uint8_t a[static 16]);

/* True for ::ffff:0:0/96, IPv4 addresses seen through an IPv6 socket. */
bool ip_v4_mapped(const uint8_t a[static 16]);

/* A as text into OUT; return the length. IPv6 in RFC 5952 form: lowercase
 * hex without leading zeros, "::" for the longest run of two or more zero
 * groups (the first of equals). MIXED writes an IPv4-mapped address as
 * ::ffff:192.0.2.1 (RFC 5952 section 5). */
size_t ip_format4(const uint8_t a[static 4], char out[static IP_TEXT_MAX]);
size_t ip_format6(const uint8_t a[static 16], bool mixed, char out[static IP_TEXT_MAX]);

#endif
