/* events.c: see events.h. The datagram goes to /dev/log itself, in the
 * RFC 3164 form syslog(3) uses, so that the test build can send it to a
 * socket of its own (ZK_TEST_SYSLOG) and a test can read what is logged. */
#include "events.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *
log_path(void)
{
#ifdef ZK_TEST_HOOKS
	const char *path = getenv("ZK_TEST_SYSLOG");

	if (path != NULL && *path != '\0')
		return path;
#endif
	return "/dev/log";
}

void
event_log(int level, const char *fmt, ...)
{
	/* The month in English whatever the locale, as syslogd expects. */
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
	    "Oct", "Nov", "Dec" };
	struct sockaddr_un to = { .sun_family = AF_UNIX };
	char line[1024];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;
	int n, fd;

	if (localtime_r(&now, &tm) == NULL)
		return;
	n = snprintf(line, sizeof line, "<%d>%s %2d %02d:%02d:%02d zorgkiosk[%ld]: ", LOG_USER | (level & LOG_PRIMASK),
	    months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	/* One line: a line break in a reason would forge a second entry. */
	for (char *p = line + n; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	if (strlen(log_path()) >= sizeof to.sun_path)
		return;
	strcpy(to.sun_path, log_path());
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	(void)!sendto(fd, line, strlen(line), MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&to, sizeof to);
	close(fd);
}
