#include <config.h>
#include "ip-forward.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file-util.h"
#include "openvswitch/dynamic-string.h"
#include "smap.h"
#include "sset.h"
#include "state.h"
#include "util.h"

/* Sysctl keys, relative to the sysctl directory. */
#define IP_FORWARD_KEY "net/ipv4/ip_forward"
#define IPV4_CONF_DIR "net/ipv4/conf"

/* The records, locked. */
struct records {
    const char *sysctl_dir;
    char *labs_path;
    char *saved_path;
    int lock_fd;
};

/* Creates 'state_dir' if needed, takes the lock and fills in 'r'. */
static char *
records_lock(const struct ip_forward_dirs *dirs, struct records *r)
{
    const char *state_dir = (dirs && dirs->state_dir
                             ? dirs->state_dir : STATE_ROOT_DIR);
    char *lock_path;

    r->sysctl_dir = dirs && dirs->sysctl_dir ? dirs->sysctl_dir : "/proc/sys";
    if (mkdir(state_dir, 0755) && errno != EEXIST) {
        return xasprintf("cannot create %s: %s", state_dir,
                         ovs_strerror(errno));
    }
    lock_path = xasprintf("%s/ip_forward.lock", state_dir);
    r->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (r->lock_fd < 0) {
        char *error = xasprintf("cannot open %s: %s", lock_path,
                                ovs_strerror(errno));
        free(lock_path);
        return error;
    }
    while (flock(r->lock_fd, LOCK_EX)) {
        if (errno != EINTR) {
            char *error = xasprintf("cannot lock %s: %s", lock_path,
                                    ovs_strerror(errno));
            close(r->lock_fd);
            free(lock_path);
            return error;
        }
    }
    free(lock_path);
    r->labs_path = xasprintf("%s/ip_forward.labs", state_dir);
    r->saved_path = xasprintf("%s/ip_forward.saved", state_dir);
    return NULL;
}

static void
records_unlock(struct records *r)
{
    close(r->lock_fd);          /* Releases the lock. */
    free(r->labs_path);
    free(r->saved_path);
}

/* Writes 'text' to 'path' through a temporary file and rename(2), so that
 * a crash leaves either the old or the new contents. */
static char *
write_atomically(const char *path, const char *text)
{
    int err = file_replace_string(path, text);

    return err ? xasprintf("cannot write %s: %s", path, ovs_strerror(err))
               : NULL;
}

/* Stores 'new_error' in '*error' unless there is one already (then frees
 * 'new_error'): the first failure is the one to report. */
static void
keep_first_error(char **error, char *new_error)
{
    if (*error) {
        free(new_error);
    } else {
        *error = new_error;
    }
}

/* Removes 'path'; a missing file is not an error. */
static char *
remove_file(const char *path)
{
    if (unlink(path) && errno != ENOENT) {
        return xasprintf("cannot remove %s: %s", path, ovs_strerror(errno));
    }
    return NULL;
}

static char *
read_labs(const struct records *r, struct sset *labs)
{
    char *text, *save_ptr = NULL;
    int err = file_read_string(r->labs_path, &text);

    if (err) {
        return (err == ENOENT ? NULL
                : xasprintf("cannot read %s: %s", r->labs_path,
                            ovs_strerror(err)));
    }
    for (char *line = strtok_r(text, "\n", &save_ptr); line;
         line = strtok_r(NULL, "\n", &save_ptr)) {
        sset_add(labs, line);
    }
    free(text);
    return NULL;
}

/* Writes 'labs' (sorted), or removes the file if there are none. */
static char *
write_labs(const struct records *r, const struct sset *labs)
{
    struct ds text = DS_EMPTY_INITIALIZER;
    const char **names;
    char *error;

    if (sset_is_empty(labs)) {
        return remove_file(r->labs_path);
    }
    names = sset_sort(labs);
    for (size_t i = 0; i < sset_count(labs); i++) {
        ds_put_format(&text, "%s\n", names[i]);
    }
    free(names);
    error = write_atomically(r->labs_path, ds_cstr(&text));
    ds_destroy(&text);
    return error;
}

/* Reads sysctl 'key' into '*valuep' (malloc'd, without the newline). */
static int
sysctl_read(const struct records *r, const char *key, char **valuep)
{
    char *path = xasprintf("%s/%s", r->sysctl_dir, key);
    int err = file_read_string(path, valuep);

    free(path);
    if (!err) {
        (*valuep)[strcspn(*valuep, " \t\n")] = '\0';
    }
    return err;
}

/* Writes 'value' to sysctl 'key', which must exist. */
static int
sysctl_write(const struct records *r, const char *key, const char *value)
{
    char *path = xasprintf("%s/%s", r->sysctl_dir, key);
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    size_t len = strlen(value);
    int err = 0;

    free(path);
    if (fd < 0) {
        return errno;
    }
    if (write(fd, value, len) != (ssize_t) len) {
        err = errno ? errno : EIO;
    }
    if (close(fd) && !err) {
        err = errno;
    }
    return err;
}

/* Reads net.ipv4.ip_forward and every net.ipv4.conf.*.forwarding except
 * "all" (which is ip_forward itself) into 'values', keyed by sysctl key. */
static char *
snapshot(const struct records *r, struct smap *values)
{
    char *conf_dir = xasprintf("%s/%s", r->sysctl_dir, IPV4_CONF_DIR);
    char *error = NULL;
    char *value;
    DIR *dir;
    int err;

    err = sysctl_read(r, IP_FORWARD_KEY, &value);
    if (err) {
        error = xasprintf("cannot read %s/%s: %s", r->sysctl_dir,
                          IP_FORWARD_KEY, ovs_strerror(err));
        goto out;
    }
    smap_add_nocopy(values, xstrdup(IP_FORWARD_KEY), value);

    dir = opendir(conf_dir);
    if (!dir) {
        error = xasprintf("cannot list %s: %s", conf_dir,
                          ovs_strerror(errno));
        goto out;
    }
    for (struct dirent *de; !error && (de = readdir(dir)) != NULL; ) {
        char *key;

        if (de->d_name[0] == '.' || !strcmp(de->d_name, "all")) {
            continue;
        }
        key = xasprintf("%s/%s/forwarding", IPV4_CONF_DIR, de->d_name);
        err = sysctl_read(r, key, &value);
        if (!err) {
            smap_add_nocopy(values, key, value);
        } else {
            /* ENOENT: the interface went away while we looked. */
            if (err != ENOENT) {
                error = xasprintf("cannot read %s/%s: %s", r->sysctl_dir,
                                  key, ovs_strerror(err));
            }
            free(key);
        }
    }
    closedir(dir);

out:
    free(conf_dir);
    return error;
}

static char *
write_saved(const struct records *r, const struct smap *values)
{
    const struct smap_node **nodes = smap_sort(values);
    struct ds text = DS_EMPTY_INITIALIZER;
    char *error;

    for (size_t i = 0; i < smap_count(values); i++) {
        ds_put_format(&text, "%s %s\n", nodes[i]->key, nodes[i]->value);
    }
    free(nodes);
    error = write_atomically(r->saved_path, ds_cstr(&text));
    ds_destroy(&text);
    return error;
}

static char *
read_saved(const struct records *r, struct smap *values)
{
    char *text, *save_ptr = NULL;
    int err = file_read_string(r->saved_path, &text);

    if (err) {
        return xasprintf("cannot read %s: %s", r->saved_path,
                         ovs_strerror(err));
    }
    for (char *line = strtok_r(text, "\n", &save_ptr); line;
         line = strtok_r(NULL, "\n", &save_ptr)) {
        char *space = strchr(line, ' ');

        if (space) {
            *space = '\0';
            smap_replace(values, line, space + 1);
        }
    }
    free(text);
    if (!smap_get(values, IP_FORWARD_KEY)) {
        return xasprintf("%s does not record %s", r->saved_path,
                         IP_FORWARD_KEY);
    }
    return NULL;
}

/* Puts the sysctls back as 'saved' recorded them.  Only if ovs-lab turned
 * forwarding on (it was off before) and it is still on: otherwise nothing
 * of ours is left to undo. */
static char *
restore(const struct records *r, const struct smap *saved)
{
    const char *before = smap_get(saved, IP_FORWARD_KEY);
    struct ds errors = DS_EMPTY_INITIALIZER;
    const struct smap_node **nodes;
    char *now;
    int err;

    if (!strcmp(before, "1")) {
        return NULL;
    }
    err = sysctl_read(r, IP_FORWARD_KEY, &now);
    if (err) {
        return xasprintf("cannot read %s/%s: %s", r->sysctl_dir,
                         IP_FORWARD_KEY, ovs_strerror(err));
    }
    if (strcmp(now, "1")) {
        free(now);
        return NULL;
    }
    free(now);

    /* The global switch first: writing it resets every interface's value,
     * which the loop below then corrects. */
    err = sysctl_write(r, IP_FORWARD_KEY, before);
    if (err) {
        return xasprintf("cannot restore %s/%s to %s: %s", r->sysctl_dir,
                         IP_FORWARD_KEY, before, ovs_strerror(err));
    }
    nodes = smap_sort(saved);
    for (size_t i = 0; i < smap_count(saved); i++) {
        const char *key = nodes[i]->key;
        const char *value = nodes[i]->value;

        if (!strcmp(key, IP_FORWARD_KEY)) {
            continue;
        }
        err = sysctl_read(r, key, &now);
        if (err == ENOENT) {
            continue;           /* That interface is gone. */
        }
        if (!err) {
            if (strcmp(now, value)) {
                err = sysctl_write(r, key, value);
            }
            free(now);
        }
        if (err) {
            ds_put_format(&errors, "%scannot restore %s/%s to %s: %s",
                          errors.length ? "; " : "", r->sysctl_dir, key,
                          value, ovs_strerror(err));
        }
    }
    free(nodes);
    return errors.length ? ds_steal_cstr(&errors) : NULL;
}

char *
ip_forward_hold(const struct ip_forward_dirs *dirs, const char *lab)
{
    struct sset labs = SSET_INITIALIZER(&labs);
    bool first, added = false;
    struct records r;
    char *error, *now = NULL;
    int err;

    error = records_lock(dirs, &r);
    if (error) {
        return error;
    }
    error = read_labs(&r, &labs);
    if (error) {
        goto out;
    }

    first = sset_is_empty(&labs);
    if (first) {
        struct smap values = SMAP_INITIALIZER(&values);

        error = snapshot(&r, &values);
        if (!error) {
            error = write_saved(&r, &values);
        }
        smap_destroy(&values);
        if (error) {
            goto out;
        }
    }
    if (sset_add(&labs, lab)) {
        added = true;
        error = write_labs(&r, &labs);
        if (error) {
            goto undo;
        }
    }

    err = sysctl_read(&r, IP_FORWARD_KEY, &now);
    if (!err && strcmp(now, "1")) {
        err = sysctl_write(&r, IP_FORWARD_KEY, "1");
    }
    if (err) {
        error = xasprintf("cannot enable IPv4 forwarding (%s/%s): %s",
                          r.sysctl_dir, IP_FORWARD_KEY, ovs_strerror(err));
        goto undo;
    }
    goto out;

undo:
    /* Best effort: the error already reported is what matters. */
    if (added) {
        sset_find_and_delete(&labs, lab);
        free(write_labs(&r, &labs));
    }
    if (first) {
        free(remove_file(r.saved_path));
    }
out:
    free(now);
    sset_destroy(&labs);
    records_unlock(&r);
    return error;
}

char *
ip_forward_release(const struct ip_forward_dirs *dirs, const char *lab,
                   bool *held)
{
    struct sset labs = SSET_INITIALIZER(&labs);
    struct records r;
    char *error;

    *held = false;
    error = records_lock(dirs, &r);
    if (error) {
        return error;
    }
    error = read_labs(&r, &labs);
    if (error || !sset_find_and_delete(&labs, lab)) {
        goto out;
    }
    *held = true;

    if (sset_is_empty(&labs)) {
        struct smap saved = SMAP_INITIALIZER(&saved);

        error = read_saved(&r, &saved);
        if (!error) {
            error = restore(&r, &saved);
        }
        smap_destroy(&saved);

        keep_first_error(&error, remove_file(r.saved_path));
    }
    keep_first_error(&error, write_labs(&r, &labs));

out:
    sset_destroy(&labs);
    records_unlock(&r);
    return error;
}
