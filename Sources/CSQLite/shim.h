#include <sqlite3.h>

/* sqlite3_db_config is variadic, which Swift cannot call: this fixes the one use cachewrap has.
   With it set, closing the last connection leaves the WAL in place instead of checkpointing it
   (two fsyncs) and deleting it (a directory fsync when the next writer creates it again). */
static inline int cachewrap_keep_wal_on_close(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}
