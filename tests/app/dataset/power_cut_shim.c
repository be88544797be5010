/* LD_PRELOAD shim that models a power cut: it keeps, outside the watched folder, the state a
 * disk would hold if power failed now. A file's content becomes durable only when it is
 * fsync'd/fdatasync'd (its whole content at that moment, keyed by inode); a folder's entries
 * (name -> inode) only when the folder itself is fsync'd. Data written but not synced is lost.
 *
 *   TS_SHIM_WATCH  absolute path of the folder to model (and its subfolders)
 *   TS_SHIM_OUT    where the durable state goes: content/<dev>_<ino>, dirs/<name>.list
 * At start it records the watched tree as it is (a synced baseline). The test rebuilds a folder
 * from the last synced listings and contents (power_cut_test.cpp). Not thread-safe: the writer
 * under test syncs from one thread. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char g_watch[PATH_MAX];
static char g_out[PATH_MAX];
static size_t g_watch_len;
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);

static int under_watch(const char* path) {
  return g_watch_len > 0 && strncmp(path, g_watch, g_watch_len) == 0 &&
         (path[g_watch_len] == '\0' || path[g_watch_len] == '/');
}

/* Copies src to dst through a temporary name, so the durable state itself never tears. */
static void copy_file(const char* src, const char* dst) {
  char tmp[PATH_MAX + 8];
  snprintf(tmp, sizeof tmp, "%s.part", dst);
  int in = open(src, O_RDONLY | O_CLOEXEC);
  if (in < 0) return;
  int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    close(in);
    return;
  }
  char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t)n) != n) break;
  close(in);
  close(out);
  rename(tmp, dst);
}

static void snapshot_content(const char* readable_path, const struct stat* st) {
  char dst[PATH_MAX + 64];
  snprintf(dst, sizeof dst, "%s/content/%lu_%lu", g_out, (unsigned long)st->st_dev,
           (unsigned long)st->st_ino);
  copy_file(readable_path, dst);
}

static void snapshot_dir(const char* path) {
  char name[PATH_MAX];
  snprintf(name, sizeof name, "dir%s", path + g_watch_len);
  for (char* c = name; *c; ++c)
    if (*c == '/') *c = '~';
  char dst[PATH_MAX * 2], tmp[PATH_MAX * 2 + 8];
  snprintf(dst, sizeof dst, "%s/dirs/%s.list", g_out, name);
  snprintf(tmp, sizeof tmp, "%s.part", dst);
  DIR* d = opendir(path);
  if (!d) return;
  FILE* f = fopen(tmp, "w");
  if (!f) {
    closedir(d);
    return;
  }
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    char full[PATH_MAX * 2];
    struct stat st;
    snprintf(full, sizeof full, "%s/%s", path, e->d_name);
    if (lstat(full, &st) == 0 && S_ISREG(st.st_mode))
      fprintf(f, "%lu_%lu %s\n", (unsigned long)st.st_dev, (unsigned long)st.st_ino, e->d_name);
  }
  closedir(d);
  fclose(f);
  rename(tmp, dst);
}

static void on_sync(int fd) {
  char link[64], path[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return;
  path[n] = '\0';
  if (!under_watch(path)) return;
  struct stat st;
  if (fstat(fd, &st) != 0) return;
  if (S_ISDIR(st.st_mode))
    snapshot_dir(path);
  else if (S_ISREG(st.st_mode))
    snapshot_content(link, &st);
}

int fsync(int fd) {
  int rc = real_fsync(fd);
  if (rc == 0) on_sync(fd);
  return rc;
}

int fdatasync(int fd) {
  int rc = real_fdatasync(fd);
  if (rc == 0) on_sync(fd);
  return rc;
}

static void baseline(const char* dir) {
  snapshot_dir(dir);
  DIR* d = opendir(dir);
  if (!d) return;
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char full[PATH_MAX];
    struct stat st;
    snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
    if (lstat(full, &st) != 0) continue;
    if (S_ISDIR(st.st_mode))
      baseline(full);
    else if (S_ISREG(st.st_mode))
      snapshot_content(full, &st);
  }
  closedir(d);
}

__attribute__((constructor)) static void shim_init(void) {
  real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  const char* watch = getenv("TS_SHIM_WATCH");
  const char* out = getenv("TS_SHIM_OUT");
  if (!watch || !out || !realpath(watch, g_watch)) return;
  snprintf(g_out, sizeof g_out, "%s", out);
  char sub[PATH_MAX + 16];
  snprintf(sub, sizeof sub, "%s/content", g_out);
  mkdir(sub, 0755);
  snprintf(sub, sizeof sub, "%s/dirs", g_out);
  mkdir(sub, 0755);
  g_watch_len = strlen(g_watch);
  baseline(g_watch);
  /* The disk as it was before the process: complete only now. The test starts its kill timer
   * when this file appears (a kill during the baseline would model no power cut at all). */
  snprintf(sub, sizeof sub, "%s/baseline.done", g_out);
  int fd = open(sub, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) close(fd);
}
