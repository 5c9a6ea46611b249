/* glibc's pseudo-terminal calls. Swift's Glibc module does not import them (glibc declares them
   only under _XOPEN_SOURCE/_GNU_SOURCE), so they are declared here, as glibc declares them. A
   declaration links at build time, unlike a dlsym lookup, which finds nothing in the static
   release binary. */
#include <stddef.h>

int posix_openpt(int flags);
int grantpt(int fd);
int unlockpt(int fd);
int ptsname_r(int fd, char *buf, size_t buflen);
