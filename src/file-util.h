/* Whole-file reads and writes (they return 0 or a positive errno), the end
 * of a log file, and looking up executables. */
#ifndef FILE_UTIL_H
#define FILE_UTIL_H 1

#include <stddef.h>
#include <sys/types.h>

struct svec;

/* Reads all of 'path' into a malloc'd, null-terminated '*textp' (which the
 * caller frees; NULL on error). */
int file_read_string(const char *path, char **textp);

/* Creates or truncates 'path' (mode 0644) and writes 'text' to it. */
int file_write_string(const char *path, const char *text);

/* The same through temporary file "'path'.tmp" and rename(2), so that a
 * reader, or what a crash leaves, sees either the old or the new contents.
 * On failure the temporary file is removed and 'path' is left as it was. */
int file_replace_string(const char *path, const char *text);

/* Appends to 'lines' the last 'n_lines' non-empty lines of 'path', oldest
 * first, without their newlines and trailing blanks.  Only the last 4 kB of
 * the file are read: enough for the few lines of a log that explain why a
 * program failed, however long the log has grown. */
int file_read_last_lines(const char *path, size_t n_lines,
                         struct svec *lines);

/* Returns the last 'n_lines' non-empty lines of the file 'path', as
 * file_read_last_lines() reads them, each indented by 4 spaces and ending
 * in a newline, or a line saying that the file is empty or why it cannot
 * be read: the end of a program's log, for a message that says why it
 * failed.  Malloc'd; the caller frees it. */
char *file_format_tail(const char *path, size_t n_lines);

/* Tries once, without waiting, to take an exclusive flock on lock file
 * 'path' (created with 'mode' if missing).  Holders may remove the file
 * while they hold it, so that a lock taken on the file after it was
 * removed locks nothing: then the new file at 'path' is locked instead.
 * Returns 0 and stores the locked descriptor (close it to unlock) in
 * '*fdp', EWOULDBLOCK if another process holds the lock, or another
 * positive errno. */
int file_try_lock(const char *path, mode_t mode, int *fdp);

/* Returns the full path (malloc'd) of the executable 'name' in the first of
 * the colon-separated directories 'dirs' that has one, or NULL.  Empty
 * entries are skipped (not taken as ".", unlike in $PATH). */
char *file_find_executable(const char *name, const char *dirs);

/* Returns the full path (malloc'd) of program 'name' in $PATH or, failing
 * that, in the usual system directories (sbin ones included, which a
 * user's $PATH often lacks: dnsmasq, ovs-vswitchd), or NULL. */
char *file_find_program(const char *name);

#endif /* file-util.h */
