import type { Migration } from './migration';

export const migration004: Migration = {
  version: 4,
  name: 'pairing-first-line',
  up(db) {
    db.exec(`
      -- What the sender wrote (its first line, bounded), so the owner does not approve blind. NULL for requests
      -- made before this column existed.
      ALTER TABLE pairing_requests ADD COLUMN first_line TEXT;
    `);
  },
};
