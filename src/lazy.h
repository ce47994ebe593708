/* lazy.h: a library loaded when a feature first needs it, not at every
 * start. libcups brings some 25 libraries and libxlsxwriter brings
 * libcrypto; resolving them all (the binary is linked with -z now) cost
 * 10 to 15 ms before the first screen of every kiosk and command. */
#ifndef ZK_LAZY_H
#define ZK_LAZY_H

#include <dlfcn.h>
#include <stdbool.h>

/* FUNCS(X) names the functions used, X(name) each. LAZY_TABLE makes a
 * struct with one field per function, typed by the library's own header;
 * calls then read table.name(...). */
#define LAZY_FIELD(f) __typeof__(&f) f;
#define LAZY_TABLE(FUNCS) struct { FUNCS(LAZY_FIELD) }

#define LAZY_RESOLVE(f) ok = ok && (*(void **)&table_->f = dlsym(lib_, #f)) != NULL;

/* Defines static bool loader(void): loads soname and fills table once;
 * false when the library or one of its functions is missing. */
#define LAZY_LOADER(loader, soname, table, FUNCS)                              \
	static bool loader(void)                                               \
	{                                                                      \
		static int state_; /* 0 not tried, 1 loaded, -1 missing */     \
		__typeof__(&(table)) table_ = &(table);                        \
		void *lib_;                                                    \
		bool ok = true;                                                \
                                                                               \
		if (state_ != 0)                                               \
			return state_ > 0;                                     \
		state_ = -1;                                                   \
		if ((lib_ = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL)    \
			return false;                                          \
		FUNCS(LAZY_RESOLVE)                                            \
		if (ok)                                                        \
			state_ = 1;                                            \
		return ok;                                                     \
	}

#endif
