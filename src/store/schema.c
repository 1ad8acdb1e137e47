/* SPDX-License-Identifier: GPL-3.0-or-later */
/* schema.c: the database schema as forward migrations. A migration, once
 * released, never changes: a new need is a new entry at the end. */
#include "config.h"

#include "store/store-private.h"

static const char v1[] =
    /* Every message ever received, keyed by the SHA-256 of its raw bytes,
     * which live in mail/ab/abcd…; Message-ID is informative only. */
    "CREATE TABLE messages ("
    "  id INTEGER PRIMARY KEY,"
    "  sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),"
    "  size INTEGER NOT NULL,"
    "  source TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('parsed', 'over_limit', 'unparseable')),"
    "  problem TEXT,"
    "  kind TEXT NOT NULL,"
    "  message_id TEXT,"
    "  in_reply_to TEXT,"
    "  from_addr TEXT,"
    "  from_count INTEGER NOT NULL DEFAULT 0,"
    "  subject TEXT,"
    "  date INTEGER,"
    "  arrived_at INTEGER NOT NULL,"
    "  stored_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX messages_message_id ON messages (message_id);"
    "CREATE INDEX messages_from ON messages (from_addr);"

    /* Decoded attachments live in attachments/ab/abcd… by their own hash. */
    "CREATE TABLE attachments ("
    "  id INTEGER PRIMARY KEY,"
    "  message_id INTEGER NOT NULL REFERENCES messages (id),"
    "  seq INTEGER NOT NULL,"
    "  part_id TEXT NOT NULL,"
    "  filename TEXT,"
    "  content_type TEXT NOT NULL,"
    "  detected_type TEXT,"
    "  size INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  depth INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE (message_id, seq)"
    ");"

    "CREATE TABLE requests ("
    "  id INTEGER PRIMARY KEY,"
    "  number TEXT NOT NULL UNIQUE,"
    "  workflow TEXT NOT NULL,"
    "  state TEXT NOT NULL,"
    "  step TEXT,"
    "  applicant TEXT NOT NULL,"
    "  message_id INTEGER NOT NULL UNIQUE REFERENCES messages (id),"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  due_at INTEGER"
    ");"
    "CREATE INDEX requests_state ON requests (state);"
    "CREATE TABLE request_counters ("
    "  tag TEXT NOT NULL,"
    "  year INTEGER NOT NULL,"
    "  last INTEGER NOT NULL,"
    "  PRIMARY KEY (tag, year)"
    ");"

    /* The audit trail: append-only, each event hashing the one before. */
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  request_id INTEGER NOT NULL REFERENCES requests (id),"
    "  seq INTEGER NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  detail TEXT NOT NULL DEFAULT '{}',"
    "  message_id INTEGER REFERENCES messages (id),"
    "  rules_version TEXT,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL,"
    "  UNIQUE (request_id, seq)"
    ");"
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"

    /* Every email dispo decides to send, with its Message-ID from the start. */
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  request_id INTEGER REFERENCES requests (id),"
    "  step TEXT,"
    "  template TEXT NOT NULL,"
    "  message_id TEXT NOT NULL UNIQUE,"
    "  to_addr TEXT NOT NULL,"
    "  reply_to TEXT,"
    "  blob_sha256 TEXT,"
    "  state TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK (state IN ('pending', 'sending', 'sent', 'failed')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_attempt_at INTEGER,"
    "  last_error TEXT,"
    "  created_at INTEGER NOT NULL,"
    "  sent_at INTEGER"
    ");"
    "CREATE INDEX outbox_pending ON outbox (state, next_attempt_at);"

    /* Single-use tokens of Reply-To plus-addresses and confirmations. */
    "CREATE TABLE tokens ("
    "  token TEXT PRIMARY KEY,"
    "  purpose TEXT NOT NULL,"
    "  request_id INTEGER REFERENCES requests (id),"
    "  step TEXT,"
    "  role TEXT,"
    "  address TEXT,"
    "  outbox_id INTEGER REFERENCES outbox (id),"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER,"
    "  used_at INTEGER,"
    "  used_by INTEGER REFERENCES messages (id)"
    ");"

    /* The employee register and who holds which role (deputies included). */
    "CREATE TABLE employees ("
    "  id INTEGER PRIMARY KEY,"
    "  nip TEXT NOT NULL UNIQUE,"
    "  nik TEXT,"
    "  name TEXT NOT NULL,"
    "  email TEXT NOT NULL,"
    "  unit TEXT,"
    "  position TEXT,"
    "  status TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX employees_email ON employees (email);"
    "CREATE TABLE role_holders ("
    "  id INTEGER PRIMARY KEY,"
    "  role TEXT NOT NULL,"
    "  employee_id INTEGER NOT NULL REFERENCES employees (id),"
    "  deputy TEXT CHECK (deputy IS NULL OR deputy IN ('plt', 'plh')),"
    "  valid_from TEXT,"
    "  valid_until TEXT"
    ");"
    "CREATE INDEX role_holders_role ON role_holders (role);"

    /* The register of issued certificates, which revocation relies on. */
    "CREATE TABLE certificates ("
    "  id INTEGER PRIMARY KEY,"
    "  employee_id INTEGER REFERENCES employees (id),"
    "  email TEXT NOT NULL,"
    "  nip TEXT,"
    "  name TEXT,"
    "  serial TEXT,"
    "  request_id INTEGER REFERENCES requests (id),"
    "  state TEXT NOT NULL CHECK (state IN ('issued', 'revoked')),"
    "  issued_at INTEGER NOT NULL,"
    "  revoked_at INTEGER,"
    "  revoke_request_id INTEGER REFERENCES requests (id)"
    ");"
    "CREATE INDEX certificates_email ON certificates (email);"

    /* Where IMAP intake stopped, committed with what it stored. */
    "CREATE TABLE imap_checkpoints ("
    "  mailbox TEXT PRIMARY KEY,"
    "  uidvalidity INTEGER NOT NULL,"
    "  last_uid INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ");";

/* v2: the questions intake asks of every message (how many answers went to
 * this address lately; what else has this applicant asked) need indexes. */
static const char v2[] = "CREATE INDEX messages_from_arrived ON messages (from_addr, arrived_at);"
                         "CREATE INDEX requests_applicant ON requests (applicant);";

/* v3: intake's verdicts. A refused application opens no request but its
 * reasons are kept; addresses proven live by a confirmation round trip;
 * answers are rate-limited per address, so the outbox is asked how many
 * went to an address lately; an outbox row can answer a message. */
static const char v3[] =
    "CREATE TABLE refusals ("
    "  message_id INTEGER PRIMARY KEY REFERENCES messages (id),"
    "  sender TEXT,"
    "  workflow TEXT,"
    "  reasons TEXT NOT NULL," /* JSON array of {code, subject, detail} */
    "  decided_at INTEGER NOT NULL"
    ");"
    "CREATE TABLE confirmed_addresses ("
    "  address TEXT PRIMARY KEY,"
    "  confirmed_at INTEGER NOT NULL,"
    "  message_id INTEGER REFERENCES messages (id)"
    ");"
    "ALTER TABLE outbox ADD COLUMN answers_message INTEGER REFERENCES messages (id);"
    "ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'workflow';"
    "CREATE INDEX outbox_to_created ON outbox (to_addr, created_at);"
    "CREATE INDEX tokens_request ON tokens (request_id);";

/* v4: when an import last listed each employee (a re-import of an unchanged
 * line vouches for it again without changing it): staleness is judged by
 * this, not by the last change. */
static const char v4[] = "ALTER TABLE employees ADD COLUMN listed_at INTEGER;"
                         "UPDATE employees SET listed_at = updated_at;";

/* v5: where a request is in its workflow: the visit to its current step
 * (when entered, reminders sent), its SLA timer (due_at, for which visit),
 * whether the recommendation letter exists; and the files dispo made for
 * it (the letter), kept by hash like everything else. */
static const char v5[] = "ALTER TABLE requests ADD COLUMN step_entered INTEGER;"
                         "ALTER TABLE requests ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0;"
                         "ALTER TABLE requests ADD COLUMN due_step TEXT;"
                         "ALTER TABLE requests ADD COLUMN due_entered INTEGER;"
                         "CREATE INDEX requests_due ON requests (due_at);"
                         "CREATE TABLE request_files ("
                         "  id INTEGER PRIMARY KEY,"
                         "  request_id INTEGER NOT NULL REFERENCES requests (id),"
                         "  kind TEXT NOT NULL," /* letter */
                         "  name TEXT NOT NULL,"
                         "  content_type TEXT NOT NULL,"
                         "  sha256 TEXT NOT NULL,"
                         "  size INTEGER NOT NULL,"
                         "  number TEXT," /* the letter's number */
                         "  created_at INTEGER NOT NULL"
                         ");"
                         "CREATE INDEX request_files_request ON request_files (request_id);";

/* v6: addresses whose mail bounced (a bounce of an acknowledgement): not
 * active until they confirm again. */
static const char v6[] = "CREATE TABLE bounced_addresses ("
                         "  address TEXT PRIMARY KEY,"
                         "  bounced_at INTEGER NOT NULL,"
                         "  outbox_id INTEGER REFERENCES outbox (id),"
                         "  message_id INTEGER REFERENCES messages (id),"
                         "  status TEXT"
                         ");";

/* v7: how long an issued certificate is valid, as BSrE's notice says
 * (yyyy-mm-dd, NULL when the notice did not say); requests found by their
 * step (a BSrE notice looks for the request waiting at BSrE) and by their
 * applicant (a status question). */
static const char v7[] = "ALTER TABLE certificates ADD COLUMN valid_from TEXT;"
                         "ALTER TABLE certificates ADD COLUMN valid_until TEXT;"
                         "CREATE INDEX requests_step ON requests (workflow, step);"
                         "DROP INDEX requests_applicant;"
                         "CREATE INDEX requests_applicant ON requests (applicant COLLATE NOCASE);";

/* v8: an email's Cc recipients (an acknowledgement of a forwarded
 * application copies the forwarder), whom the SMTP sender must name too:
 * ','-separated, lower case, NULL when none. */
static const char v8[] = "ALTER TABLE outbox ADD COLUMN cc_addr TEXT;";

/* v9: the visit of its step a reply token was made in: after KEMBALIKAN a
 * request enters a step again, and the first visit's emails (with their
 * documents) must not decide the second. */
static const char v9[] = "ALTER TABLE tokens ADD COLUMN step_entered INTEGER;";

/* v10: the SLA report asks what happened in a period (dispo report): the
 * events by time, so that a month's report reads a month's events. */
static const char v10[] = "CREATE INDEX events_at ON events (at);";

/* v11: dispo serve. Each IMAP mailbox's checkpoint (source names the
 * account and mailbox: user@host/INBOX), written in the transaction of the
 * message that passes it; the messages it gave up on (moved to the
 * quarantine folder) and why; and its health as key/value rows, each with
 * when it was last written, for `dispo status`. */
static const char v11[] = "CREATE TABLE imap_state ("
                          "  source TEXT PRIMARY KEY,"
                          "  uidvalidity INTEGER NOT NULL,"
                          "  last_uid INTEGER NOT NULL,"
                          "  updated_at INTEGER NOT NULL"
                          ");"
                          "CREATE TABLE imap_quarantine ("
                          "  id INTEGER PRIMARY KEY,"
                          "  source TEXT NOT NULL,"
                          "  uidvalidity INTEGER NOT NULL,"
                          "  uid INTEGER NOT NULL,"
                          "  tries INTEGER NOT NULL,"
                          "  reason TEXT NOT NULL,"
                          "  at INTEGER NOT NULL"
                          ");"
                          "CREATE TABLE daemon_status ("
                          "  key TEXT PRIMARY KEY,"
                          "  value TEXT,"
                          "  at INTEGER NOT NULL"
                          ");";

/* v12: the employee's pangkat/golongan ("Pembina Utama Muda (IV/c)"),
 * printed under a signer's name on letters; NULL where the register does
 * not say, and the letter then leaves the line out. */
static const char v12[] = "ALTER TABLE employees ADD COLUMN rank TEXT;";

/* v13: a request's emails by kind (the decision threads with the
 * acknowledgement the applicant received): without it each decision read
 * the whole outbox, which a province's decade makes ten million rows. */
static const char v13[] = "CREATE INDEX outbox_request ON outbox (request_id, kind);";

/* v14: the reports' own copy of what their arithmetic reads, so that a
 * year's report or the applications' export of a province's decade does
 * not parse ten million events' JSON detail. moves holds each request's
 * first event and every workflow event (its detail names "previous"), the
 * step and previous step taken out of the detail; an AFTER INSERT trigger
 * on events fills it in the event's own statement, so that no writer can
 * forget it, and moves is append-only as events are. It is derived: the
 * audit trail is events, and `dispo audit verify` compares the two.
 * events_at carries the request id, so that the period's requests come
 * from the index alone. And two indexes that intake at scale was missing. */
static const char v14[] =
    "CREATE TABLE moves ("
    "  request_id INTEGER NOT NULL REFERENCES requests (id),"
    "  seq INTEGER NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  step TEXT,"
    "  previous TEXT,"
    "  workflow_event INTEGER NOT NULL,"
    "  PRIMARY KEY (request_id, seq)"
    ") WITHOUT ROWID;"
    "INSERT INTO moves SELECT request_id, seq, at, kind, json_extract(detail, '$.step'),"
    "  json_extract(detail, '$.previous'), json_type(detail, '$.previous') IS NOT NULL"
    "  FROM events WHERE seq = 1 OR json_type(detail, '$.previous') IS NOT NULL;"
    "CREATE TRIGGER events_moves AFTER INSERT ON events"
    "  WHEN NEW.seq = 1 OR json_type(NEW.detail, '$.previous') IS NOT NULL"
    "  BEGIN INSERT INTO moves VALUES (NEW.request_id, NEW.seq, NEW.at, NEW.kind,"
    "    json_extract(NEW.detail, '$.step'), json_extract(NEW.detail, '$.previous'),"
    "    json_type(NEW.detail, '$.previous') IS NOT NULL); END;"
    "CREATE TRIGGER moves_no_update BEFORE UPDATE ON moves"
    "  BEGIN SELECT RAISE(ABORT, 'moves are append-only'); END;"
    "CREATE TRIGGER moves_no_delete BEFORE DELETE ON moves"
    "  BEGIN SELECT RAISE(ABORT, 'moves are append-only'); END;"
    "DROP INDEX events_at;"
    "CREATE INDEX events_at ON events (at, request_id);"
    /* The answers to an address in the last hour and day (the limit on
     * answering a loop) by kind, from the index alone: before, each reply
     * read every email its official had had that day, and 20,000 replies
     * took in a row slowed from 450 to 200 a second. */
    "CREATE INDEX outbox_to_kind_created ON outbox (to_addr, kind, created_at);"
    /* An official found by address whatever its case (the greeting of
     * every email), without reading the whole register. */
    "CREATE INDEX employees_email_lower ON employees (lower(email));";

const char *const store_migrations[] = {NULL, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13,
                                        v14};
const int store_migrations_count = G_N_ELEMENTS(store_migrations);
