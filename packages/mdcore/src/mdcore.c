// Native market-data core (N-API, C11, no dependencies).
//
// The hot path of both venue feeds in one call per WebSocket frame: read the frame's bytes in
// place (no UTF-8 decode, no strings, no JSON.parse), find the market, apply the change to its
// book, refresh the pair's best asks and run detection's price screen. Everything else (other
// frame types, sequence gaps, unsynced or unbound markets, anything this reader does not fully
// understand) is declined BEFORE any state changes, and the TypeScript path — which remains the
// reference implementation — handles that frame exactly as it would without this core.
//
// Shared state: per-book and per-pair scalars live in a Float64Array owned by JavaScript (the
// "slots" table, layout in slots.ts): both sides read and write them directly. Ladders (price
// levels) live here; JavaScript reads them through lad* calls. Books are referred to by id.
//
// Units are those of the TypeScript code: prices in Px (1/10,000 dollar), sizes in Qty (1/100
// contract), as doubles holding exact integers, so both implementations compute identical values.

#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PX_ONE 10000.0
#define MAX_SAFE 9007199254740991ULL
#define SLOT 16
#define MAX_ITEMS 16

// Slot fields (must match slots.ts).
#define B_BEST_A 0   // Kalshi best YES bid / Polymarket best bid, Px (-1 = empty)
#define B_BEST_B 1   // Kalshi best NO bid / Polymarket best ask, Px (-1 = empty)
#define B_APPLIED 2  // last change applied, ms since epoch
#define B_TRADEABLE 3
#define B_UPDATES 4
#define B_VER_A 5    // bumped on every change of ladder a / b (JavaScript caches copies of the levels)
#define B_VER_B 6
#define P_KYES 0     // pair: Kalshi YES ask, Px (0 = none)
#define P_KNO 1
#define P_PYES 2
#define P_PNO 3
#define P_SCREENS 4  // price screens passed over natively (detection evaluations not run in JS)
#define P_BUDGET 5   // most two asks may cost together, Px; NaN = no screen (always report)
#define P_KSLOT 6    // slots of the pair's three books
#define P_PYSLOT 7
#define P_PNSLOT 8
#define P_MEMO_MASK 9   // detection's last full evaluation: screen types then (-1 = none to reuse)
#define P_VER_KY 10     // versions of the four ask ladders then
#define P_VER_KN 11
#define P_VER_PY 12
#define P_VER_PN 13
#define P_MEMO_UNTIL 14 // its outcome stands until (ms)
#define P_MEMO_EPOCH 15 // fee epoch then
#define G_FEE_EPOCH 0   // slot 0, process-wide

// Return codes of the frame functions.
#define DECLINE -1   // nothing changed: the caller takes the TypeScript path
#define CONSUMED 0   // frame handled, no book changed
#define APPLIED 1    // book(s) changed, checks passed, screen negative: nothing left to do
#define REPORT 2     // book(s) changed: the caller reports them (screen positive or Kalshi book crossed)
#define VERIFY 3     // Polymarket: book(s) changed, a venue top-of-book check failed: caller re-checks

// --- ladders -----------------------------------------------------------------------------------
// Same layout and semantics as books/ladder.ts: [px, qty] pairs, best level last (bids ascending,
// asks descending).

typedef struct {
  double *lv;
  int32_t n, cap;
  int32_t asks;
} ladder_t;

static int32_t lfind(const ladder_t *l, double price) {
  const double *lv = l->lv;
  int32_t n = l->n;
  if (n <= 24) {
    int32_t i = n - 1;
    if (l->asks) {
      while (i >= 0 && lv[2 * i] < price) i--;
    } else {
      while (i >= 0 && lv[2 * i] > price) i--;
    }
    return (i >= 0 && lv[2 * i] == price) ? i : -(i + 2);
  }
  int32_t lo = 0, hi = n - 1;
  while (lo <= hi) {
    int32_t mid = (int32_t)((uint32_t)(lo + hi) >> 1);
    double v = lv[2 * mid];
    if (l->asks ? v > price : v < price) lo = mid + 1;
    else if (l->asks ? v < price : v > price) hi = mid - 1;
    else return mid;
  }
  return -(lo + 1);
}

static int lgrow(ladder_t *l) {
  int32_t cap = l->cap > 0 ? l->cap * 2 : 16;
  double *lv = (double *)realloc(l->lv, sizeof(double) * 2 * (size_t)cap);
  if (!lv) return 0;
  l->lv = lv;
  l->cap = cap;
  return 1;
}

static int linsert(ladder_t *l, int32_t i, double price, double qty) {
  if (l->n == l->cap && !lgrow(l)) return 0;
  if (i < l->n) memmove(l->lv + 2 * i + 2, l->lv + 2 * i, sizeof(double) * 2 * (size_t)(l->n - i));
  l->lv[2 * i] = price;
  l->lv[2 * i + 1] = qty;
  l->n++;
  return 1;
}

static void lremove(ladder_t *l, int32_t i) {
  if (i < l->n - 1) memmove(l->lv + 2 * i, l->lv + 2 * i + 2, sizeof(double) * 2 * (size_t)(l->n - 1 - i));
  l->n--;
}

/** Absolute size (Polymarket); 0 removes. */
static int lset(ladder_t *l, double price, double qty) {
  int32_t i = lfind(l, price);
  if (i >= 0) {
    if (qty > 0) l->lv[2 * i + 1] = qty;
    else lremove(l, i);
  } else if (qty > 0) {
    return linsert(l, -i - 1, price, qty);
  }
  return 1;
}

/** Signed change (Kalshi); returns the new size, -1 on allocation failure. */
static double ladd(ladder_t *l, double price, double delta) {
  int32_t i = lfind(l, price);
  if (i >= 0) {
    double v = l->lv[2 * i + 1] + delta;
    if (v > 0) {
      l->lv[2 * i + 1] = v;
      return v;
    }
    lremove(l, i);
    return 0;
  }
  if (delta > 0) return linsert(l, -i - 1, price, delta) ? delta : -1;
  return 0;
}

static inline double lbest(const ladder_t *l) { return l->n > 0 ? l->lv[2 * l->n - 2] : -1; }

// --- books ---------------------------------------------------------------------------------------

enum { KIND_FREE = 0, KIND_KALSHI = 1, KIND_POLY = 2 };

typedef struct {
  ladder_t a, b;        // Kalshi: YES bids, NO bids. Polymarket: bids, asks.
  int32_t slot;         // this book's slot
  int32_t pair_slot;    // slot of its only pair; -1 when none or several (the TS path serves it)
  int32_t role;         // Polymarket: bit 0 = the pair's YES token, bit 1 = its NO token
  int32_t kind;
  int32_t alive;        // 0 once the book store dropped it: frames for it are declined
} book_t;

static book_t *books = NULL;
static int32_t nbooks = 0, capbooks = 0;
static int32_t *freebooks = NULL;
static int32_t nfree = 0, capfree = 0;

static double *S = NULL;      // the slots table
static size_t S_len = 0;      // in doubles
static napi_ref S_ref = NULL;
static int32_t *OI = NULL;    // outputs to JS (entry ids of touched books, counts)
static double *OF = NULL;     // outputs to JS (venue top of book per touched book)
static size_t OI_len = 0, OF_len = 0;
static napi_ref OI_ref = NULL, OF_ref = NULL;
static double screens = 0;
static double reuses = 0;  // changes settled by a standing detection outcome (memo_holds)

/** Ladder l of book b changed: bump its version in the slot (only ever read by JavaScript). */
static inline void bump(const book_t *b, const ladder_t *l) {
  if ((size_t)(b->slot + 1) * SLOT <= S_len) S[(size_t)b->slot * SLOT + (l == &b->a ? B_VER_A : B_VER_B)] += 1;
}

static inline book_t *book_at(int32_t id) { return (id >= 0 && id < nbooks && books[id].kind != KIND_FREE) ? &books[id] : NULL; }

/** A book the fast path may write: alive, one pair, slots in range. */
static inline book_t *usable(int32_t id) {
  book_t *b = book_at(id);
  if (!b || !b->alive || b->pair_slot < 0) return NULL;
  if ((size_t)(b->slot + 1) * SLOT > S_len || (size_t)(b->pair_slot + 1) * SLOT > S_len) return NULL;
  return b;
}

/**
 * Detection's price screen: a bit per arb type whose two asks fit in the budget (t1 poly YES +
 * Kalshi NO, t2 Kalshi YES + poly NO, t3 both Polymarket, t4 both Kalshi); 15 = no screen set.
 */
static inline int screen(const double *p) {
  double B = p[P_BUDGET];
  if (B != B) return 15;  // no screen configured: report every change
  double ky = p[P_KYES], kn = p[P_KNO], py = p[P_PYES], pn = p[P_PNO];
  return ((py > 0 && kn > 0 && py + kn <= B) ? 1 : 0) | ((ky > 0 && pn > 0 && ky + pn <= B) ? 2 : 0) |
         ((py > 0 && pn > 0 && py + pn <= B) ? 4 : 0) | ((ky > 0 && kn > 0 && ky + kn <= B) ? 8 : 0);
}

static inline const double *slot_at(double idx) {
  if (!(idx >= 1) || (size_t)(idx + 1) * SLOT > S_len) return NULL;
  return S + (size_t)idx * SLOT;
}

/**
 * Would detection, run now, find what it found at its last full evaluation of this pair (nothing,
 * or a repeat it holds back)? Yes when the same types pass the screen, the ladders those types
 * walk are unchanged, all three books are still tradeable, the fee epoch is the same and the
 * outcome's time bound (book freshness, repeat window) has not passed: sizing is a pure function
 * of exactly these.
 */
static inline int memo_holds(const double *q, int mask, double now) {
  if (q[P_MEMO_MASK] != (double)mask || !(now < q[P_MEMO_UNTIL]) || q[P_MEMO_EPOCH] != S[G_FEE_EPOCH]) return 0;
  const double *k = slot_at(q[P_KSLOT]), *py = slot_at(q[P_PYSLOT]), *pn = slot_at(q[P_PNSLOT]);
  if (!k || !py || !pn || k[B_TRADEABLE] != 1 || py[B_TRADEABLE] != 1 || pn[B_TRADEABLE] != 1) return 0;
  if ((mask & (1 | 8)) && k[B_VER_A] != q[P_VER_KN]) return 0;
  if ((mask & (2 | 8)) && k[B_VER_B] != q[P_VER_KY]) return 0;
  if ((mask & (1 | 4)) && py[B_VER_B] != q[P_VER_PY]) return 0;
  if ((mask & (2 | 4)) && pn[B_VER_B] != q[P_VER_PN]) return 0;
  return 1;
}

/** A pair changed: does detection in JavaScript need to see it? (The screen or the memo says no.) */
static inline int needs_detection(const double *q, double now) {
  int mask = screen(q);
  if (mask == 0) return 0;
  if (!memo_holds(q, mask, now)) return 1;
  reuses += 1;
  return 0;
}

// --- key index (one per feed session): market key bytes -> entry {book, synced} ------------------

typedef struct {
  int32_t book;     // -1 = not bound
  uint8_t synced;
  uint8_t used;
  uint16_t len;
  uint32_t hash;
  char *heap;       // key when longer than the inline buffer
  char key[104];
} entry_t;

typedef struct {
  uint32_t cap;       // table size, power of two
  uint32_t filled;    // used + tombstones
  int32_t *table;     // entry id + 1; 0 = empty, -1 = tombstone
  uint32_t *tags;     // hash per table position (cheap reject before touching the entry)
  entry_t *ents;
  int32_t nents, capents;
  int32_t *freeents;
  int32_t nfreeents;
} index_t;

static inline uint64_t load64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/** Hash of the length, first 8 and last 16 bytes (keys differ at their ends: tickers, token ids). */
static inline uint32_t khash(const uint8_t *p, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n;
  if (n >= 16) {
    h ^= load64(p) * 0xff51afd7ed558ccdULL;
    h = (h ^ (h >> 29)) * 0xc4ceb9fe1a85ec53ULL;
    h ^= load64(p + n - 16);
    h = (h ^ (h >> 31)) * 0xff51afd7ed558ccdULL;
    h ^= load64(p + n - 8);
    h = (h ^ (h >> 29)) * 0xc4ceb9fe1a85ec53ULL;
  } else {
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    h = (h ^ (h >> 31)) * 0xff51afd7ed558ccdULL;
  }
  h ^= h >> 32;
  return (uint32_t)h;
}

static inline const char *ekey(const entry_t *e) { return e->heap ? e->heap : e->key; }

static int32_t ix_find(const index_t *ix, const uint8_t *k, size_t n) {
  uint32_t h = khash(k, n);
  uint32_t mask = ix->cap - 1;
  for (uint32_t i = h & mask;; i = (i + 1) & mask) {
    int32_t t = ix->table[i];
    if (t == 0) return -1;
    if (t > 0 && ix->tags[i] == h) {
      const entry_t *e = &ix->ents[t - 1];
      if (e->len == n && memcmp(ekey(e), k, n) == 0) return t - 1;
    }
  }
}

static int ix_rehash(index_t *ix, uint32_t cap) {
  int32_t *table = (int32_t *)calloc(cap, sizeof(int32_t));
  uint32_t *tags = (uint32_t *)calloc(cap, sizeof(uint32_t));
  if (!table || !tags) {
    free(table);
    free(tags);
    return 0;
  }
  for (int32_t id = 0; id < ix->nents; id++) {
    const entry_t *e = &ix->ents[id];
    if (!e->used) continue;
    uint32_t i = e->hash & (cap - 1);
    while (table[i] != 0) i = (i + 1) & (cap - 1);
    table[i] = id + 1;
    tags[i] = e->hash;
  }
  free(ix->table);
  free(ix->tags);
  ix->table = table;
  ix->tags = tags;
  ix->cap = cap;
  uint32_t used = 0;
  for (int32_t id = 0; id < ix->nents; id++) used += ix->ents[id].used;
  ix->filled = used;
  return 1;
}

/** Insert (or find) a key; returns its entry id, -1 on allocation failure. */
static int32_t ix_set(index_t *ix, const uint8_t *k, size_t n) {
  int32_t found = ix_find(ix, k, n);
  if (found >= 0) return found;
  if ((ix->filled + 1) * 10 > ix->cap * 7) {
    uint32_t live = 0;
    for (int32_t id = 0; id < ix->nents; id++) live += ix->ents[id].used;
    uint32_t cap = ix->cap;
    while ((live + 1) * 10 > cap * 5) cap *= 2;
    if (!ix_rehash(ix, cap)) return -1;
  }
  int32_t id;
  if (ix->nfreeents > 0) {
    id = ix->freeents[--ix->nfreeents];
  } else {
    if (ix->nents == ix->capents) {
      int32_t c = ix->capents ? ix->capents * 2 : 64;
      entry_t *ents = (entry_t *)realloc(ix->ents, sizeof(entry_t) * (size_t)c);
      if (!ents) return -1;
      ix->ents = ents;
      ix->capents = c;
    }
    id = ix->nents++;
  }
  entry_t *e = &ix->ents[id];
  memset(e, 0, sizeof(*e));
  e->book = -1;
  e->used = 1;
  e->len = (uint16_t)n;
  e->hash = khash(k, n);
  if (n > sizeof(e->key)) {
    e->heap = (char *)malloc(n);
    if (!e->heap) {
      e->used = 0;
      return -1;
    }
    memcpy(e->heap, k, n);
  } else {
    memcpy(e->key, k, n);
  }
  uint32_t i = e->hash & (ix->cap - 1);
  while (ix->table[i] > 0) i = (i + 1) & (ix->cap - 1);
  if (ix->table[i] == 0) ix->filled++;
  ix->table[i] = id + 1;
  ix->tags[i] = e->hash;
  return id;
}

static void ix_delete(index_t *ix, int32_t id) {
  if (id < 0 || id >= ix->nents || !ix->ents[id].used) return;
  entry_t *e = &ix->ents[id];
  uint32_t mask = ix->cap - 1;
  for (uint32_t i = e->hash & mask; ix->table[i] != 0; i = (i + 1) & mask) {
    if (ix->table[i] == id + 1) {
      ix->table[i] = -1;
      break;
    }
  }
  free(e->heap);
  e->heap = NULL;
  e->used = 0;
  e->book = -1;
  e->synced = 0;
  int32_t *f = (int32_t *)realloc(ix->freeents, sizeof(int32_t) * (size_t)(ix->nfreeents + 1));
  if (f) {  // else the id is just not reused
    ix->freeents = f;
    ix->freeents[ix->nfreeents++] = id;
  }
}

static index_t *ix_new(void) {
  index_t *ix = (index_t *)calloc(1, sizeof(index_t));
  if (!ix) return NULL;
  ix->cap = 64;
  ix->table = (int32_t *)calloc(ix->cap, sizeof(int32_t));
  ix->tags = (uint32_t *)calloc(ix->cap, sizeof(uint32_t));
  if (!ix->table || !ix->tags) {
    free(ix->table);
    free(ix->tags);
    free(ix);
    return NULL;
  }
  return ix;
}

static void ix_free(napi_env env, void *data, void *hint) {
  index_t *ix = (index_t *)data;
  for (int32_t id = 0; id < ix->nents; id++) free(ix->ents[id].heap);
  free(ix->ents);
  free(ix->freeents);
  free(ix->table);
  free(ix->tags);
  free(ix);
}

// --- frame reading ---------------------------------------------------------------------------------
// Each reader accepts exactly the layouts the TypeScript fast readers accept (or fewer); a frame it
// does not accept is declined whole.

typedef struct {
  const uint8_t *p;
  size_t n, i;
} rd_t;

static inline int lit(rd_t *r, const char *s, size_t k) {
  if (r->n - r->i < k || memcmp(r->p + r->i, s, k) != 0) return 0;
  r->i += k;
  return 1;
}
#define LIT(r, s) lit((r), (s), sizeof(s) - 1)

static inline int digit(uint8_t c) { return c >= '0' && c <= '9'; }

/** JSON integer without leading zeros, at most 15 digits: 0|[1-9]\d{0,14}. */
static int rint_(rd_t *r, uint64_t *out) {
  size_t i = r->i;
  if (i >= r->n || !digit(r->p[i])) return 0;
  uint64_t v = 0;
  if (r->p[i] == '0') {
    i++;
  } else {
    size_t start = i;
    while (i < r->n && digit(r->p[i])) {
      if (i - start == 15) return 0;
      v = v * 10 + (uint64_t)(r->p[i] - '0');
      i++;
    }
  }
  if (i < r->n && digit(r->p[i])) return 0;  // "0" followed by digits
  r->i = i;
  *out = v;
  return 1;
}

/** String body up to the closing quote: no escapes, no control characters. Consumes the quote. */
static int rstr(rd_t *r, size_t min, size_t *start, size_t *end) {
  size_t i = r->i;
  while (i < r->n) {
    uint8_t c = r->p[i];
    if (c == '"') break;
    if (c == '\\' || c < 0x20) return 0;
    i++;
  }
  if (i >= r->n || i - r->i < min) return 0;
  *start = r->i;
  *end = i;
  r->i = i + 1;
  return 1;
}

/** Fraction digits after a '.', 1..max of them, scaled to `scale` decimals. */
static int rfrac(rd_t *r, int max, int scale, uint64_t *out) {
  uint64_t v = 0;
  int k = 0;
  while (r->i < r->n && digit(r->p[r->i])) {
    if (k == max) return 0;
    v = v * 10 + (uint64_t)(r->p[r->i] - '0');
    r->i++;
    k++;
  }
  if (k == 0) return 0;
  for (; k < scale; k++) v *= 10;
  *out = v;
  return 1;
}

// Kalshi orderbook_delta, the venue's key order (kalshi/delta-frame.ts):
// {"type":"orderbook_delta","sid":N,"seq":N,"msg":{"market_ticker":"…","market_id":"…",
//  "price_dollars":"0.dddd","delta_fp":"-N.dd","side":"yes|no"[,"ts_ms":N][,"client_order_id":"…"][,"subaccount":N]}}
typedef struct {
  uint64_t sid, seq;
  size_t tk0, tk1;
  int yes;
  double price, delta;
} kdelta_t;

static int read_kalshi_delta(const uint8_t *p, size_t n, kdelta_t *d) {
  rd_t r = {p, n, 0};
  size_t a, b;
  uint64_t v;
  if (!LIT(&r, "{\"type\":\"orderbook_delta\",\"sid\":") || !rint_(&r, &d->sid)) return 0;
  if (!LIT(&r, ",\"seq\":") || !rint_(&r, &d->seq)) return 0;
  if (!LIT(&r, ",\"msg\":{\"market_ticker\":\"") || !rstr(&r, 1, &d->tk0, &d->tk1)) return 0;
  if (!LIT(&r, ",\"market_id\":\"") || !rstr(&r, 0, &a, &b)) return 0;
  if (!LIT(&r, ",\"price_dollars\":\"0.") || !rfrac(&r, 4, 4, &v) || !LIT(&r, "\"")) return 0;
  if (v == 0) return 0;  // price must be in (0, 1)
  d->price = (double)v;
  if (!LIT(&r, ",\"delta_fp\":\"")) return 0;
  size_t ds = r.i;
  int neg = 0;
  if (r.i < n && p[r.i] == '-') {
    neg = 1;
    r.i++;
  }
  uint64_t whole;
  if (!rint_(&r, &whole)) return 0;
  uint64_t frac = 0;
  if (r.i < n && p[r.i] == '.') {
    r.i++;
    if (!rfrac(&r, 2, 2, &frac)) return 0;
  }
  if (r.i - ds > 16) return 0;  // the TS reader's limit: longer numbers take the full parser
  if (!LIT(&r, "\"")) return 0;
  uint64_t q = whole * 100 + frac;
  if (q > MAX_SAFE) return 0;
  d->delta = neg && q != 0 ? -(double)q : (double)q;
  if (LIT(&r, ",\"side\":\"yes\"")) d->yes = 1;
  else if (LIT(&r, ",\"side\":\"no\"")) d->yes = 0;
  else return 0;
  if (LIT(&r, ",\"ts_ms\":") && !rint_(&r, &v)) return 0;
  if (LIT(&r, ",\"client_order_id\":\"") && !rstr(&r, 0, &a, &b)) return 0;
  if (LIT(&r, ",\"subaccount\":") && !rint_(&r, &v)) return 0;
  return LIT(&r, "}}") && r.i == n;
}

// Polymarket price_change in the two member orders seen in practice (polymarket/price-change-frame.ts):
// {"event_type":"price_change","market":"…","timestamp":"d*","price_changes":[items]}
// {"market":"…","price_changes":[items],"timestamp":"d*","event_type":"price_change"}
// item: {"asset_id":"d+","price":"0?.dddd","size":"N[.dd]","side":"BUY|SELL"[,"hash":"…"],"best_bid":"…","best_ask":"…"}
typedef struct {
  int n;
  size_t a0[MAX_ITEMS], a1[MAX_ITEMS];
  int bid[MAX_ITEMS];
  double price[MAX_ITEMS], size[MAX_ITEMS], bb[MAX_ITEMS], ba[MAX_ITEMS];
} pchange_t;

/** "price": 0?\.\d{1,4} -> Px. */
static int rpx(rd_t *r, uint64_t *out) {
  if (r->i < r->n && r->p[r->i] == '0') r->i++;
  if (!LIT(r, ".")) return 0;
  return rfrac(r, 4, 4, out);
}

/** best_bid / best_ask: empty (-1), or [01](\.\d{1,4})? or \.\d{1,4} -> Px. Consumes the closing quote. */
static int rtop(rd_t *r, double *out) {
  if (r->i < r->n && r->p[r->i] == '"') {
    r->i++;
    *out = -1;
    return 1;
  }
  uint64_t whole = 0, frac = 0;
  if (r->i < r->n && (r->p[r->i] == '0' || r->p[r->i] == '1')) {
    whole = (uint64_t)(r->p[r->i] - '0');
    r->i++;
    if (r->i < r->n && r->p[r->i] == '.') {
      r->i++;
      if (!rfrac(r, 4, 4, &frac)) return 0;
    }
  } else {
    if (!LIT(r, ".") || !rfrac(r, 4, 4, &frac)) return 0;
  }
  if (!LIT(r, "\"")) return 0;
  *out = (double)(whole * 10000 + frac);
  return 1;
}

static int read_items(rd_t *r, pchange_t *c) {
  c->n = 0;
  if (!LIT(r, "[")) return 0;
  if (LIT(r, "]")) return 1;
  for (;;) {
    int k = c->n;
    if (k == MAX_ITEMS) return 0;
    uint64_t v;
    size_t a, b;
    if (!LIT(r, "{\"asset_id\":\"")) return 0;
    c->a0[k] = r->i;
    while (r->i < r->n && digit(r->p[r->i])) r->i++;
    c->a1[k] = r->i;
    if (c->a1[k] == c->a0[k] || c->a1[k] - c->a0[k] > 100 || !LIT(r, "\"")) return 0;
    if (!LIT(r, ",\"price\":\"") || !rpx(r, &v) || !LIT(r, "\"")) return 0;
    if (v == 0) return 0;  // level price must be in (0, 1)
    c->price[k] = (double)v;
    if (!LIT(r, ",\"size\":\"")) return 0;
    uint64_t whole = 0, frac = 0;
    if (r->i < r->n && r->p[r->i] == '0') {
      r->i++;
    } else {
      int nd = 0;
      while (r->i < r->n && digit(r->p[r->i])) {
        if (nd == 12) return 0;
        whole = whole * 10 + (uint64_t)(r->p[r->i] - '0');
        r->i++;
        nd++;
      }
      if (nd == 0) return 0;
    }
    if (r->i < r->n && r->p[r->i] == '.') {
      r->i++;
      if (!rfrac(r, 2, 2, &frac)) return 0;
    }
    if (!LIT(r, "\"")) return 0;
    c->size[k] = (double)(whole * 100 + frac);
    if (LIT(r, ",\"side\":\"BUY\",")) c->bid[k] = 1;
    else if (LIT(r, ",\"side\":\"SELL\",")) c->bid[k] = 0;
    else return 0;
    if (LIT(r, "\"hash\":\"")) {
      if (!rstr(r, 0, &a, &b) || !LIT(r, ",")) return 0;
    }
    if (!LIT(r, "\"best_bid\":\"") || !rtop(r, &c->bb[k])) return 0;
    if (!LIT(r, ",\"best_ask\":\"") || !rtop(r, &c->ba[k])) return 0;
    if (!LIT(r, "}")) return 0;
    c->n = k + 1;
    if (LIT(r, "]")) return 1;
    if (!LIT(r, ",")) return 0;
  }
}

/** Timestamp string body: \d{0,20} then the closing quote. */
static int rts(rd_t *r) {
  size_t s = r->i;
  while (r->i < r->n && digit(r->p[r->i])) r->i++;
  return r->i - s <= 20 && LIT(r, "\"");
}

static int read_price_change_layouts(const uint8_t *p, size_t n, pchange_t *c) {
  rd_t r = {p, n, 0};
  size_t a, b;
  if (LIT(&r, "{\"event_type\":\"price_change\",\"market\":\"")) {
    if (!rstr(&r, 0, &a, &b) || !LIT(&r, ",\"timestamp\":\"") || !rts(&r) || !LIT(&r, ",\"price_changes\":")) return 0;
    if (!read_items(&r, c)) return 0;
    return LIT(&r, "}") && r.i == n;
  }
  if (LIT(&r, "{\"market\":\"")) {
    if (!rstr(&r, 0, &a, &b) || !LIT(&r, ",\"price_changes\":")) return 0;
    if (!read_items(&r, c)) return 0;
    if (!LIT(&r, ",\"timestamp\":\"") || !rts(&r)) return 0;
    return LIT(&r, ",\"event_type\":\"price_change\"}") && r.i == n;
  }
  return 0;
}

// --- N-API plumbing ----------------------------------------------------------------------------------

#define CHECK(call)                                  \
  do {                                               \
    if ((call) != napi_ok) return throw_(env, #call); \
  } while (0)

static napi_value throw_(napi_env env, const char *what) {
  napi_throw_error(env, "MDCORE", what);
  return NULL;
}

static napi_value num(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

static napi_value i32(napi_env env, int32_t v) {
  napi_value r;
  napi_create_int32(env, v, &r);
  return r;
}

static int args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, "MDCORE_ARGS", "mdcore: missing arguments");
    return 0;
  }
  return 1;
}

static int32_t argi(napi_env env, napi_value v) {
  int32_t x = 0;
  napi_get_value_int32(env, v, &x);
  return x;
}

static double argd(napi_env env, napi_value v) {
  double x = 0;
  napi_get_value_double(env, v, &x);
  return x;
}

/** Keep a typed array alive and return its data pointer (its backing store never moves). */
static int hold(napi_env env, napi_value arr, napi_typedarray_type want, void **data, size_t *len, napi_ref *ref) {
  napi_typedarray_type t;
  size_t n;
  void *d;
  if (napi_get_typedarray_info(env, arr, &t, &n, &d, NULL, NULL) != napi_ok || t != want) {
    napi_throw_type_error(env, "MDCORE_ARGS", "mdcore: wrong typed array");
    return 0;
  }
  if (*ref) napi_delete_reference(env, *ref);
  napi_create_reference(env, arr, 1, ref);
  *data = d;
  *len = n;
  return 1;
}

static napi_value js_set_slots(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args(env, info, 1, argv)) return NULL;
  void *d;
  if (!hold(env, argv[0], napi_float64_array, &d, &S_len, &S_ref)) return NULL;
  S = (double *)d;
  return NULL;
}

static napi_value js_set_out(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!args(env, info, 2, argv)) return NULL;
  void *d;
  if (!hold(env, argv[0], napi_int32_array, &d, &OI_len, &OI_ref)) return NULL;
  OI = (int32_t *)d;
  if (!hold(env, argv[1], napi_float64_array, &d, &OF_len, &OF_ref)) return NULL;
  OF = (double *)d;
  if (OI_len < 2 + MAX_ITEMS || OF_len < 2 * MAX_ITEMS) return throw_(env, "mdcore: output arrays too small");
  return NULL;
}

static napi_value js_book_new(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!args(env, info, 2, argv)) return NULL;
  int32_t kind = argi(env, argv[0]);
  int32_t slot = argi(env, argv[1]);
  if (kind != KIND_KALSHI && kind != KIND_POLY) return throw_(env, "mdcore: unknown book kind");
  int32_t id;
  if (nfree > 0) {
    id = freebooks[--nfree];
  } else {
    if (nbooks == capbooks) {
      int32_t c = capbooks ? capbooks * 2 : 1024;
      book_t *nb = (book_t *)realloc(books, sizeof(book_t) * (size_t)c);
      if (!nb) return throw_(env, "mdcore: out of memory");
      books = nb;
      capbooks = c;
    }
    id = nbooks++;
  }
  book_t *b = &books[id];
  memset(b, 0, sizeof(*b));
  b->kind = kind;
  b->slot = slot;
  b->pair_slot = -1;
  b->alive = 1;
  b->a.asks = 0;
  b->b.asks = kind == KIND_POLY;  // Polymarket: second ladder is asks; Kalshi: both bid ladders
  return i32(env, id);
}

static napi_value js_book_free(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args(env, info, 1, argv)) return NULL;
  int32_t id = argi(env, argv[0]);
  book_t *b = book_at(id);
  if (!b) return NULL;
  free(b->a.lv);
  free(b->b.lv);
  memset(b, 0, sizeof(*b));
  b->kind = KIND_FREE;
  if (nfree == capfree) {
    int32_t c = capfree ? capfree * 2 : 256;
    int32_t *f = (int32_t *)realloc(freebooks, sizeof(int32_t) * (size_t)c);
    if (!f) return NULL;  // the id is lost, nothing else
    freebooks = f;
    capfree = c;
  }
  freebooks[nfree++] = id;
  return NULL;
}

/** bookSet(id, alive, pairSlot, role) */
static napi_value js_book_set(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, 4, argv)) return NULL;
  book_t *b = book_at(argi(env, argv[0]));
  if (!b) return throw_(env, "mdcore: no such book");
  b->alive = argi(env, argv[1]);
  b->pair_slot = argi(env, argv[2]);
  b->role = argi(env, argv[3]);
  return NULL;
}

enum { L_N = 0, L_PX = 1, L_QTY = 2, L_SIZE_AT = 3, L_SET = 4, L_ADD = 5, L_CLEAR = 6 };

/** lad(book, which, op, a, b): one ladder operation (see enum above). */
static napi_value js_lad(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!args(env, info, 5, argv)) return NULL;
  book_t *b = book_at(argi(env, argv[0]));
  if (!b) return throw_(env, "mdcore: no such book");
  ladder_t *l = argi(env, argv[1]) ? &b->b : &b->a;
  int32_t op = argi(env, argv[2]);
  double x = argd(env, argv[3]);
  double y = argd(env, argv[4]);
  switch (op) {
    case L_N:
      return i32(env, l->n);
    case L_PX: {
      int32_t i = (int32_t)x;
      return num(env, i >= 0 && i < l->n ? l->lv[2 * (l->n - 1 - i)] : -1);
    }
    case L_QTY: {
      int32_t i = (int32_t)x;
      return num(env, i >= 0 && i < l->n ? l->lv[2 * (l->n - 1 - i) + 1] : 0);
    }
    case L_SIZE_AT: {
      int32_t i = lfind(l, x);
      return num(env, i >= 0 ? l->lv[2 * i + 1] : 0);
    }
    case L_SET:
      bump(b, l);
      if (!lset(l, x, y)) return throw_(env, "mdcore: out of memory");
      return NULL;
    case L_ADD: {
      bump(b, l);
      double v = ladd(l, x, y);
      if (v < 0) return throw_(env, "mdcore: out of memory");
      return num(env, v);
    }
    case L_CLEAR:
      bump(b, l);
      l->n = 0;
      return NULL;
    default:
      return throw_(env, "mdcore: unknown ladder op");
  }
}

/** ladReplace(book, which, Float64Array [px, qty, …]): replace a side (same as Ladder.replaceFlat). */
static napi_value js_lad_replace(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args(env, info, 3, argv)) return NULL;
  book_t *b = book_at(argi(env, argv[0]));
  if (!b) return throw_(env, "mdcore: no such book");
  ladder_t *l = argi(env, argv[1]) ? &b->b : &b->a;
  napi_typedarray_type t;
  size_t n;
  void *d;
  CHECK(napi_get_typedarray_info(env, argv[2], &t, &n, &d, NULL, NULL));
  if (t != napi_float64_array) return throw_(env, "mdcore: levels must be a Float64Array");
  const double *lv = (const double *)d;
  bump(b, l);
  l->n = 0;
  for (size_t k = 0; k + 1 < n; k += 2)
    if (!lset(l, lv[k], lv[k + 1])) return throw_(env, "mdcore: out of memory");
  return NULL;
}

/**
 * ladCopy(book, which, Float64Array) -> levels: copies the levels best first as [px, qty] pairs, as
 * many as fit; returns how many the side has (the caller grows its array when that is more).
 */
static napi_value js_lad_copy(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args(env, info, 3, argv)) return NULL;
  book_t *b = book_at(argi(env, argv[0]));
  if (!b) return throw_(env, "mdcore: no such book");
  const ladder_t *l = argi(env, argv[1]) ? &b->b : &b->a;
  napi_typedarray_type t;
  size_t n;
  void *d;
  CHECK(napi_get_typedarray_info(env, argv[2], &t, &n, &d, NULL, NULL));
  if (t != napi_float64_array) return throw_(env, "mdcore: expected a Float64Array");
  double *dst = (double *)d;
  int32_t k = l->n;
  if ((size_t)k * 2 <= n) {
    for (int32_t i = 0; i < k; i++) {
      dst[2 * i] = l->lv[2 * (k - 1 - i)];
      dst[2 * i + 1] = l->lv[2 * (k - 1 - i) + 1];
    }
  }
  return i32(env, k);
}

static napi_value js_index_new(napi_env env, napi_callback_info info) {
  index_t *ix = ix_new();
  if (!ix) return throw_(env, "mdcore: out of memory");
  napi_value r;
  CHECK(napi_create_external(env, ix, ix_free, NULL, &r));
  return r;
}

static index_t *argix(napi_env env, napi_value v) {
  void *d = NULL;
  if (napi_get_value_external(env, v, &d) != napi_ok || !d) {
    napi_throw_type_error(env, "MDCORE_ARGS", "mdcore: not an index");
    return NULL;
  }
  return (index_t *)d;
}

static napi_value js_index_set(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!args(env, info, 2, argv)) return NULL;
  index_t *ix = argix(env, argv[0]);
  if (!ix) return NULL;
  size_t n;
  CHECK(napi_get_value_string_utf8(env, argv[1], NULL, 0, &n));
  if (n == 0 || n > 65535) return i32(env, -1);
  char *buf = (char *)malloc(n + 1);
  if (!buf) return throw_(env, "mdcore: out of memory");
  napi_get_value_string_utf8(env, argv[1], buf, n + 1, &n);
  int32_t id = ix_set(ix, (const uint8_t *)buf, n);
  free(buf);
  return i32(env, id);
}

/** indexEntry(ix, entry, op, v): 0 = delete, 1 = bind to book v (-1 = unbind), 2 = synced = v. */
static napi_value js_index_entry(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, 4, argv)) return NULL;
  index_t *ix = argix(env, argv[0]);
  if (!ix) return NULL;
  int32_t id = argi(env, argv[1]);
  int32_t op = argi(env, argv[2]);
  int32_t v = argi(env, argv[3]);
  if (id < 0 || id >= ix->nents || !ix->ents[id].used) return NULL;
  if (op == 0) ix_delete(ix, id);
  else if (op == 1) ix->ents[id].book = v;
  else if (op == 2) ix->ents[id].synced = v != 0;
  return NULL;
}

static int frame_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, index_t **ix, const uint8_t **p, size_t *n) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) return 0;
  void *d = NULL;
  if (napi_get_value_external(env, argv[0], &d) != napi_ok || !d) return 0;
  *ix = (index_t *)d;
  void *data;
  if (napi_get_buffer_info(env, argv[1], &data, n) != napi_ok) return 0;
  *p = (const uint8_t *)data;
  return S != NULL && OI != NULL;
}

/**
 * kalshiDelta(ix, buf, nowMs, sid, nextSeq) -> code. Declines anything but a well-formed delta that
 * continues the subscription's sequence (the session's seq logic stays in TypeScript). On REPORT
 * the entry id of the market is in out[0].
 */
static napi_value js_kalshi_delta(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  index_t *ix;
  const uint8_t *p;
  size_t n;
  if (!frame_args(env, info, 5, argv, &ix, &p, &n)) return i32(env, DECLINE);
  kdelta_t d;
  if (!read_kalshi_delta(p, n, &d)) return i32(env, DECLINE);
  double sid = argd(env, argv[3]);
  double next = argd(env, argv[4]);
  if (sid == 0 || (double)d.sid != sid || (double)d.seq != next) return i32(env, DECLINE);
  int32_t e = ix_find(ix, p + d.tk0, d.tk1 - d.tk0);
  if (e < 0 || !ix->ents[e].synced) return i32(env, CONSUMED);
  book_t *b = usable(ix->ents[e].book);
  if (!b || b->kind != KIND_KALSHI) return i32(env, DECLINE);
  double now = argd(env, argv[2]);
  ladder_t *l = d.yes ? &b->a : &b->b;
  bump(b, l);
  if (ladd(l, d.price, d.delta) < 0) return throw_(env, "mdcore: out of memory");
  double *s = S + (size_t)b->slot * SLOT;
  s[d.yes ? B_BEST_A : B_BEST_B] = lbest(l);
  s[B_APPLIED] = now;
  s[B_UPDATES] += 1;
  OI[0] = e;
  double by = s[B_BEST_A], bn = s[B_BEST_B];
  double *q = S + (size_t)b->pair_slot * SLOT;
  if (by >= 0 && bn >= 0 && by + bn >= PX_ONE) return i32(env, REPORT);  // crossed: the book refuses it in TS
  s[B_TRADEABLE] = 1;
  q[P_KYES] = bn >= 0 ? PX_ONE - bn : 0;
  q[P_KNO] = by >= 0 ? PX_ONE - by : 0;
  if (needs_detection(q, now)) return i32(env, REPORT);
  q[P_SCREENS] += 1;
  screens += 1;
  return i32(env, APPLIED);
}

static inline int poly_check(const double *s, double bb, double ba) {
  double ourBid = s[B_BEST_A], ourAsk = s[B_BEST_B];
  if (ourBid >= 0 && ourAsk >= 0 && ourBid >= ourAsk) return 0;
  if (bb >= 0) {
    double ours = ourBid >= 0 ? ourBid : 0;
    if (ours != bb && !(ourBid < 0 && bb == PX_ONE)) return 0;
  }
  if (ba >= 0) {
    double ours = ourAsk >= 0 ? ourAsk : PX_ONE;
    if (ours != ba && !(ourAsk < 0 && ba == 0)) return 0;
  }
  return 1;
}

/**
 * polyChange(ix, buf, nowMs) -> code. out[0] = touched books, out[1] = items applied,
 * out[2 + k] = entry id of touched book k; outF[2k], outF[2k + 1] = the venue's best bid / ask for it.
 */
static napi_value js_poly_change(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  index_t *ix;
  const uint8_t *p;
  size_t n;
  if (!frame_args(env, info, 3, argv, &ix, &p, &n)) return i32(env, DECLINE);
  pchange_t c;
  if (!read_price_change_layouts(p, n, &c)) return i32(env, DECLINE);
  int32_t ent[MAX_ITEMS];
  book_t *bk[MAX_ITEMS];
  for (int k = 0; k < c.n; k++) {
    int32_t e = ix_find(ix, p + c.a0[k], c.a1[k] - c.a0[k]);
    ent[k] = e;
    bk[k] = NULL;
    if (e < 0 || !ix->ents[e].synced) continue;
    book_t *b = usable(ix->ents[e].book);
    if (!b || b->kind != KIND_POLY) return i32(env, DECLINE);
    bk[k] = b;
  }
  double now = argd(env, argv[2]);
  int touched = 0, applied = 0;
  for (int k = 0; k < c.n; k++) {
    book_t *b = bk[k];
    if (!b) continue;
    applied++;
    ladder_t *l = c.bid[k] ? &b->a : &b->b;
    bump(b, l);
    if (!lset(l, c.price[k], c.size[k])) return throw_(env, "mdcore: out of memory");
    double *s = S + (size_t)b->slot * SLOT;
    s[c.bid[k] ? B_BEST_A : B_BEST_B] = lbest(l);
    s[B_APPLIED] = now;
    s[B_UPDATES] += 1;
    double *q = S + (size_t)b->pair_slot * SLOT;
    double ask = s[B_BEST_B] >= 0 ? s[B_BEST_B] : 0;
    if (b->role & 1) q[P_PYES] = ask;
    if (b->role & 2) q[P_PNO] = ask;
    int t = 0;
    while (t < touched && OI[2 + t] != ent[k]) t++;
    if (t == touched) OI[2 + touched++] = ent[k];
    OF[2 * t] = c.bb[k];
    OF[2 * t + 1] = c.ba[k];
  }
  OI[0] = touched;
  OI[1] = applied;
  if (touched == 0) return i32(env, CONSUMED);
  // Checks once the whole event is applied (the venue's top of book is as of the event's end).
  for (int t = 0; t < touched; t++) {
    const book_t *b = &books[ix->ents[OI[2 + t]].book];
    if (!poly_check(S + (size_t)b->slot * SLOT, OF[2 * t], OF[2 * t + 1])) return i32(env, VERIFY);
  }
  int report = 0;
  int32_t seen[MAX_ITEMS];
  int nseen = 0;
  for (int t = 0; t < touched; t++) {
    const book_t *b = &books[ix->ents[OI[2 + t]].book];
    S[(size_t)b->slot * SLOT + B_TRADEABLE] = 1;
    int dup = 0;
    for (int j = 0; j < nseen; j++) dup |= seen[j] == b->pair_slot;
    if (dup) continue;
    seen[nseen++] = b->pair_slot;
    if (needs_detection(S + (size_t)b->pair_slot * SLOT, now)) report = 1;
  }
  if (report) return i32(env, REPORT);
  for (int j = 0; j < nseen; j++) S[(size_t)seen[j] * SLOT + P_SCREENS] += 1;
  screens += nseen;
  return i32(env, APPLIED);
}

static napi_value js_screens(napi_env env, napi_callback_info info) { return num(env, screens); }
static napi_value js_reuses(napi_env env, napi_callback_info info) { return num(env, reuses); }

NAPI_MODULE_INIT() {
  struct {
    const char *name;
    napi_callback fn;
  } fns[] = {
      {"setSlots", js_set_slots},   {"setOut", js_set_out},           {"bookNew", js_book_new},
      {"bookFree", js_book_free},   {"bookSet", js_book_set},         {"lad", js_lad},
      {"ladReplace", js_lad_replace}, {"ladCopy", js_lad_copy}, {"indexNew", js_index_new},     {"indexSet", js_index_set},
      {"indexEntry", js_index_entry}, {"kalshiDelta", js_kalshi_delta}, {"polyChange", js_poly_change},
      {"screens", js_screens}, {"reuses", js_reuses},
  };
  for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  return exports;
}
