/*
 * ovs-lab-lease-hook: the script udhcpc runs, as a program without libc.
 *
 * udhcpc runs its script twice per lease (at start with "deconfig", and
 * with "bound" once leased), so with 100 clients the script is 200 of the
 * 300 process creations of a lab's DHCP phase.  On the machines measured
 * (a VM where every page table change traps to the hypervisor) what costs
 * is creating the process: dash with the shell script 3.0 ms, a static
 * program with glibc 1.7 ms (its start-up alone runs CPUID, which traps),
 * this program 0.8 ms; 100 leases took 1.56-1.65 s, 1.28-1.33 s and
 * 0.99-1.09 s.  docs/performance.md, section 5.5.
 *
 * What it does is what dhcp-client.c's udhcpc shell script does, which
 * remains the fallback where this program is not built (see configure.ac):
 * with "bound" or "renew" in argv[1] it writes udhcpc's lease variables
 * to the file named by $OVS_LAB_LEASE_FILE, one "name=value" line each
 * ("ip=10.0.0.5"), and configures nothing; other events do nothing.
 * Exit status 0, or 1 if the record could not be written.
 *
 * Only x86_64: the system call stubs and the entry point below are the
 * architecture-specific part.
 */

#include <asm/unistd.h>
#include <fcntl.h>
#include <linux/errno.h>

#if !defined(__x86_64__)
#error "ovs-lab-lease-hook is written for x86_64 only (see configure.ac)"
#endif

/* The environment variable dhcp-client.c sets (LEASE_FILE_ENV there). */
#define LEASE_FILE_VAR "OVS_LAB_LEASE_FILE"

/* udhcpc's variables, recorded in this order. */
static const char *const lease_vars[] = {
    "ip", "subnet", "router", "serverid", "lease", "dns",
};

/* Big enough for every variable: udhcpc's values come from DHCP options of
 * at most 255 bytes each. */
static char record[4096];

/* x86_64 system calls: number in rax, arguments in rdi, rsi, rdx; the
 * result (or -errno) in rax; rcx and r11 are clobbered. */
static long
syscall3(long nr, long a, long b, long c)
{
    long ret;

    __asm__ volatile("syscall"
                     : "=a" (ret)
                     : "a" (nr), "D" (a), "S" (b), "d" (c)
                     : "rcx", "r11", "memory");
    return ret;
}

static void __attribute__((noreturn))
exit_group(int status)
{
    for (;;) {
        syscall3(__NR_exit_group, status, 0, 0);
    }
}

static unsigned long
string_length(const char *s)
{
    unsigned long n = 0;

    while (s[n]) {
        n++;
    }
    return n;
}

static int
string_equal(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* The value of variable 'name' in 'envp', or "" if it is not there. */
static const char *
get_var(char **envp, const char *name)
{
    unsigned long len = string_length(name);

    for (; *envp; envp++) {
        const char *s = *envp;
        unsigned long i;

        for (i = 0; i < len && s[i] == name[i]; i++) {
            continue;
        }
        if (i == len && s[len] == '=') {
            return s + len + 1;
        }
    }
    return "";
}

/* Appends 's' to 'record' at '*len'; 0 if it does not fit. */
static int
append(unsigned long *len, const char *s)
{
    /* Through a volatile pointer: the compiler may turn a plain copying
     * loop into a call to memcpy(), which does not exist here. */
    volatile char *dst = record + *len;
    unsigned long n = string_length(s);

    if (n > sizeof record - *len) {
        return 0;
    }
    for (unsigned long i = 0; i < n; i++) {
        dst[i] = s[i];
    }
    *len += n;
    return 1;
}

/* Writes the lease in 'envp' to $OVS_LAB_LEASE_FILE.  Returns 0 or 1. */
static int
write_record(char **envp)
{
    const char *path = get_var(envp, LEASE_FILE_VAR);
    unsigned long len = 0, done = 0;
    long fd;

    for (unsigned long i = 0; i < sizeof lease_vars / sizeof *lease_vars;
         i++) {
        if (!append(&len, lease_vars[i]) || !append(&len, "=")
            || !append(&len, get_var(envp, lease_vars[i]))
            || !append(&len, "\n")) {
            return 1;
        }
    }
    if (!*path) {
        return 1;
    }
    fd = syscall3(__NR_open, (long) path,
                  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return 1;
    }
    while (done < len) {
        long n = syscall3(__NR_write, fd, (long) (record + done), len - done);

        if (n == -EINTR) {
            continue;
        } else if (n <= 0) {
            syscall3(__NR_close, fd, 0, 0);
            return 1;
        }
        done += n;
    }
    return syscall3(__NR_close, fd, 0, 0) ? 1 : 0;
}

/* Called by _start with the initial stack: argc, argv[], NULL, envp[],
 * NULL. */
void __attribute__((noreturn, used)) hook_main(long *stack);

void
hook_main(long *stack)
{
    long argc = stack[0];
    char **argv = (char **) (stack + 1);
    char **envp = argv + argc + 1;
    int status = 0;

    if (argc > 1
        && (string_equal(argv[1], "bound")
            || string_equal(argv[1], "renew"))) {
        status = write_record(envp);
    }
    exit_group(status);
}

/* The entry point: no libc to set anything up, so pass the stack pointer
 * (which points at argc) to hook_main(), with the stack aligned as the ABI
 * wants for a call. */
__asm__(".text\n"
        ".globl _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "    xor %ebp, %ebp\n"
        "    mov %rsp, %rdi\n"
        "    and $-16, %rsp\n"
        "    call hook_main\n"
        "    hlt\n");
