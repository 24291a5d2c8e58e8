package io.mmsim.api.page;

/**
 * How hard a compaction run may try ({@code enum migrate_mode} in {@code
 * include/linux/migrate_mode.h}).
 *
 * <p>The simulator has no locks to contend on and no writeback to wait for, so the modes differ in
 * what they scan: an {@link #ASYNC} direct compaction takes movable pages only from pageblocks of
 * the requesting allocation's own migrate type ({@code suitable_migration_source}), the others from
 * every pageblock.
 *
 * @since 1.2
 */
public enum MigrateMode {
  /** {@code MIGRATE_ASYNC}: the first, cheap attempt of direct compaction. */
  ASYNC,
  /** {@code MIGRATE_SYNC_LIGHT}: kcompactd and the retries of direct compaction. */
  SYNC_LIGHT,
  /** {@code MIGRATE_SYNC}: {@code compact_memory} and the last retry. */
  SYNC
}
