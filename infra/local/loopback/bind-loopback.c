/*
 * bind-loopback: loaded with LD_PRELOAD into a server that has no bind-address option (DynamoDB Local),
 * it turns every bind() on the wildcard address into a bind() on loopback, so the server is reachable
 * from this machine only.
 *
 *   IPv4 0.0.0.0 -> 127.0.0.1
 *   IPv6 ::      -> ::1               (IPV6_V6ONLY socket)
 *   IPv6 ::      -> ::ffff:127.0.0.1  (dual-stack socket: it keeps answering http://127.0.0.1:PORT)
 *
 * Every other bind() (a specific address, Unix sockets, ...) goes through unchanged.
 * Built by infra/local/loopback.ts: cc -shared -fPIC -O2 -o bind-loopback.so bind-loopback.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*bind_function)(int, const struct sockaddr *, socklen_t);

static bind_function real_bind(void) {
  static bind_function real;
  if (!real) real = (bind_function)dlsym(RTLD_NEXT, "bind");
  return real;
}

int bind(int fd, const struct sockaddr *address, socklen_t length) {
  bind_function next = real_bind();
  if (!next) {
    errno = ENOSYS;
    return -1;
  }
  if (address && address->sa_family == AF_INET && length >= sizeof(struct sockaddr_in)) {
    struct sockaddr_in ipv4;
    memcpy(&ipv4, address, sizeof ipv4);
    if (ipv4.sin_addr.s_addr == htonl(INADDR_ANY)) {
      ipv4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      return next(fd, (const struct sockaddr *)&ipv4, sizeof ipv4);
    }
  } else if (address && address->sa_family == AF_INET6 && length >= sizeof(struct sockaddr_in6)) {
    struct sockaddr_in6 ipv6;
    memcpy(&ipv6, address, sizeof ipv6);
    if (IN6_IS_ADDR_UNSPECIFIED(&ipv6.sin6_addr)) {
      int v6only = 0;
      socklen_t size = sizeof v6only;
      if (getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &size) != 0) v6only = 1;
      if (v6only) {
        ipv6.sin6_addr = in6addr_loopback;
      } else {
        static const unsigned char mapped_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
        memcpy(&ipv6.sin6_addr, mapped_loopback, sizeof mapped_loopback);
      }
      ipv6.sin6_scope_id = 0;
      return next(fd, (const struct sockaddr *)&ipv6, sizeof ipv6);
    }
  }
  return next(fd, address, length);
}
