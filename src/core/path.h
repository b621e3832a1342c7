/* File paths: the little that several modules need to say about them. */
#ifndef SHISA_PATH_H
#define SHISA_PATH_H
#include <stddef.h>

/* The folder that holds PATH, into OUT (N bytes): "." for a bare name,
 * "/" for a file at the root. */
void path_folder(const char *path, char *out, size_t n);

#endif
