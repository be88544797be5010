#pragma once
// The index schema, one entry per version (docs/DATASET.md). Migration N takes a file at
// user_version N-1 to N; a new version appends an entry and never edits an old one.
namespace tinyscope::dataset {

struct Migration {
  int version;
  const char* const* statements;  // nullptr-terminated
};

inline constexpr const char* kSchemaV1[] = {
    "CREATE TABLE devices(id INTEGER PRIMARY KEY, name TEXT NOT NULL, uri TEXT NOT NULL DEFAULT "
    "'', UNIQUE(name, uri))",
    "CREATE TABLE sessions(id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, device_id INTEGER "
    "REFERENCES devices(id), started_ms INTEGER NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL "
    "UNIQUE, bytes INTEGER NOT NULL, sidecar TEXT NOT NULL, sidecar_sha256 TEXT NOT NULL, format "
    "TEXT NOT NULL, frames INTEGER NOT NULL)",
    "CREATE TABLE samples(id INTEGER PRIMARY KEY, content_id TEXT NOT NULL, name TEXT NOT NULL, "
    "file_id INTEGER NOT NULL REFERENCES files(id), begin_frame INTEGER NOT NULL, frames INTEGER "
    "NOT NULL, channels INTEGER NOT NULL, rate_hz REAL NOT NULL, sample_type TEXT NOT NULL, "
    "sensor TEXT NOT NULL, axes TEXT NOT NULL, units TEXT NOT NULL, first_device_us INTEGER NOT "
    "NULL DEFAULT -1, created_ms INTEGER NOT NULL, split INTEGER NOT NULL DEFAULT 0, session_id "
    "INTEGER REFERENCES sessions(id), device_id INTEGER REFERENCES devices(id))",
    "CREATE INDEX samples_file ON samples(file_id)",
    "CREATE INDEX samples_split ON samples(split)",
    "CREATE INDEX samples_session ON samples(session_id)",
    "CREATE INDEX samples_device ON samples(device_id)",
    "CREATE INDEX samples_created ON samples(created_ms)",
    "CREATE TABLE gaps(id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES files(id), "
    "at_frame INTEGER NOT NULL, lost_frames INTEGER NOT NULL, device_us INTEGER NOT NULL DEFAULT "
    "-1)",
    "CREATE INDEX gaps_file ON gaps(file_id)",
    "CREATE TABLE labels(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    "CREATE TABLE segments(id INTEGER PRIMARY KEY, sample_id INTEGER NOT NULL REFERENCES "
    "samples(id), label_id INTEGER NOT NULL REFERENCES labels(id), whole INTEGER NOT NULL DEFAULT "
    "0, start_frame INTEGER NOT NULL DEFAULT 0, end_frame INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX segments_sample ON segments(sample_id)",
    "CREATE INDEX segments_label ON segments(label_id, sample_id)",
    "CREATE TABLE metadata(id INTEGER PRIMARY KEY, sample_id INTEGER NOT NULL REFERENCES "
    "samples(id), key TEXT NOT NULL, value TEXT NOT NULL, UNIQUE(sample_id, key))",
    "CREATE TABLE model_outputs(id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES "
    "files(id), at_frame INTEGER NOT NULL, device_us INTEGER NOT NULL DEFAULT -1, model TEXT NOT "
    "NULL DEFAULT '', scores TEXT NOT NULL)",
    "CREATE INDEX model_outputs_file ON model_outputs(file_id)",
    nullptr,
};

// Version 2: covering indexes for the counts per split, device and session (one index-only pass
// in key order) and a larger page cache is set per connection; see "Listing 100,000 samples" in
// docs/DATASET.md.
inline constexpr const char* kSchemaV2[] = {
    "CREATE INDEX samples_split_seconds ON samples(split, frames, rate_hz)",
    "CREATE INDEX samples_device_seconds ON samples(device_id, frames, rate_hz)",
    "CREATE INDEX samples_session_seconds ON samples(session_id, frames, rate_hz)",
    nullptr,
};

inline constexpr Migration kMigrations[] = {
    {1, kSchemaV1},
    {2, kSchemaV2},
};

}  // namespace tinyscope::dataset
