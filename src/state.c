#include <config.h>
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file-util.h"
#include "json-util.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "sset.h"
#include "util.h"

void
lab_state_destroy(struct lab_state *state)
{
    if (state) {
        free(state->lab);
        free(state->scenario_path);
        free(state->ovsdb);
    }
}

char *
state_dir(const char *lab)
{
    return xasprintf("%s/%s", STATE_LABS_DIR, lab);
}

static char *
state_file(const char *lab, const char *name)
{
    return xasprintf("%s/%s/%s", STATE_LABS_DIR, lab, name);
}

static int
make_dirs(void)
{
    if (mkdir(STATE_ROOT_DIR, 0755) && errno != EEXIST) {
        return errno;
    }
    if (mkdir(STATE_LABS_DIR, 0755) && errno != EEXIST) {
        return errno;
    }
    return 0;
}

char *
state_create(const struct lab_state *state, const char *scenario_text)
{
    char *dir = state_dir(state->lab);
    char *path = NULL;
    char *error = NULL;
    int err = make_dirs();

    if (err) {
        error = xasprintf("cannot create %s: %s", STATE_LABS_DIR,
                          ovs_strerror(err));
        goto out;
    }
    if (mkdir(dir, 0755)) {
        error = (errno == EEXIST
                 ? xasprintf("lab %s is already up (see \"ovs-lab status "
                             "%s\"; \"ovs-lab down %s\" removes it, or use "
                             "--name to run another copy)",
                             state->lab, state->lab, state->lab)
                 : xasprintf("cannot create %s: %s", dir,
                             ovs_strerror(errno)));
        goto out;
    }
    path = state_file(state->lab, "scenario.yaml");
    err = file_write_string(path, scenario_text);
    if (err) {
        error = xasprintf("cannot write %s: %s", path, ovs_strerror(err));
        goto out;
    }
    error = state_save(state);

out:
    free(path);
    free(dir);
    return error;
}

char *
state_save(const struct lab_state *state)
{
    struct json *json = json_object_create();
    char *path = state_file(state->lab, "state.json");
    char *text;
    char *error = NULL;
    int err;

    json_object_put_string(json, "lab", state->lab);
    json_object_put_string(json, "scenario", state->scenario_path);
    json_object_put_string(json, "ovsdb", state->ovsdb);
    json_object_put(json, "private_ovs",
                    json_boolean_create(state->private_ovs));
    json_object_put(json, "created", json_integer_create(state->created));
    text = json_to_string(json, JSSF_PRETTY | JSSF_SORT);
    json_destroy(json);

    err = file_replace_string(path, text);
    if (err) {
        error = xasprintf("cannot write %s: %s", path, ovs_strerror(err));
    }
    free(text);
    free(path);
    return error;
}

int
state_load(const char *lab, struct lab_state *state, char **scenario_textp)
{
    char *path = state_file(lab, "state.json");
    struct json *json = NULL;
    const struct json *value;
    int err = 0;

    memset(state, 0, sizeof *state);
    if (scenario_textp) {
        *scenario_textp = NULL;
    }
    if (access(path, F_OK)) {
        err = errno;
        goto out;
    }
    json = json_from_file(path);
    if (json->type != JSON_OBJECT || !json_util_get_string(json, "lab")
        || !json_util_get_string(json, "ovsdb")) {
        err = EINVAL;
        goto out;
    }
    state->lab = xstrdup(json_util_get_string(json, "lab"));
    state->ovsdb = xstrdup(json_util_get_string(json, "ovsdb"));
    state->scenario_path = nullable_xstrdup(json_util_get_string(json,
                                                                "scenario"));
    state->private_ovs = (json_util_get(json, "private_ovs", JSON_TRUE)
                          != NULL);
    value = json_util_get(json, "created", JSON_INTEGER);
    state->created = value ? json_integer(value) : 0;

    if (scenario_textp) {
        char *scenario = state_file(lab, "scenario.yaml");

        err = file_read_string(scenario, scenario_textp);
        free(scenario);
    }

out:
    if (err) {
        lab_state_destroy(state);
        memset(state, 0, sizeof *state);
    }
    json_destroy(json);
    free(path);
    return err;
}

int
state_remove(const char *lab)
{
    char *dir = state_dir(lab);
    DIR *d = opendir(dir);
    int err = 0;

    if (!d) {
        err = errno == ENOENT ? 0 : errno;
        free(dir);
        return err;
    }
    for (struct dirent *de; (de = readdir(d)) != NULL; ) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")
            && unlinkat(dirfd(d), de->d_name, 0) && errno != ENOENT) {
            err = errno;
        }
    }
    closedir(d);
    if (!err && rmdir(dir) && errno != ENOENT) {
        err = errno;
    }
    free(dir);
    return err;
}

void
state_list(struct sset *labs)
{
    DIR *d = opendir(STATE_LABS_DIR);

    if (!d) {
        return;
    }
    for (struct dirent *de; (de = readdir(d)) != NULL; ) {
        if (de->d_name[0] != '.') {
            sset_add(labs, de->d_name);
        }
    }
    closedir(d);
}

struct state_lock {
    char *path;
    int fd;
};

/* Describes the holder of lock file 'path' from what it wrote ("PID
 * COMMAND"): "\"ovs-lab up\" (pid 123)" (malloc'd).  The holder may not
 * have written it yet, or be gone already. */
static char *
describe_lock_holder(const char *path)
{
    char *text = NULL;
    char *description;
    long int pid;
    int n = 0;

    if (!file_read_string(path, &text)
        && sscanf(text, "%ld %n", &pid, &n) == 1 && n && text[n]) {
        text[n + strcspn(text + n, "\n")] = '\0';
        description = xasprintf("\"ovs-lab %s\" (pid %ld)", text + n, pid);
    } else {
        description = xstrdup("another \"ovs-lab up\" or \"down\"");
    }
    free(text);
    return description;
}

char *
state_lock_lab(const char *lab, const char *command,
               struct state_lock **lockp)
{
    char *path = xasprintf("%s/.%s.lock", STATE_LABS_DIR, lab);
    char *error;
    int err, fd;

    *lockp = NULL;
    err = make_dirs();
    if (!err) {
        err = file_try_lock(path, 0644, &fd);
    }
    if (!err) {
        char *holder = xasprintf("%ld %s\n", (long int) getpid(), command);
        size_t len = strlen(holder);

        /* Only for messages: a failure here costs nothing else. */
        if (ftruncate(fd, 0) || pwrite(fd, holder, len, 0) != len) {
            /* Ignored. */
        }
        free(holder);

        struct state_lock *lock = xmalloc(sizeof *lock);
        lock->path = path;
        lock->fd = fd;
        *lockp = lock;
        return NULL;
    }

    if (err == EWOULDBLOCK) {
        char *holder = describe_lock_holder(path);

        error = xasprintf("lab %s: %s is working on it; wait until it is "
                          "done", lab, holder);
        free(holder);
    } else {
        error = xasprintf("cannot lock lab %s (%s): %s", lab, path,
                          ovs_strerror(err));
    }
    free(path);
    return error;
}

void
state_unlock_lab(struct state_lock *lock)
{
    if (lock) {
        /* Removed while still held, so that whoever locked the file before
         * it was removed sees that it is gone (state_lock_lab()). */
        unlink(lock->path);
        close(lock->fd);
        free(lock->path);
        free(lock);
    }
}
