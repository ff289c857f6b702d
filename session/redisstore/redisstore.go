// Package redisstore keeps fiberviews sessions in Redis, for several servers sharing them. Its
// Storage is a gofiber/storage/redis/v3 storage that also implements the session package's
// session.Updater and session.Appender (MULTI/EXEC, WATCH), session.Replacer (SET … XX) and
// session.ManyGetter (MGET), so logins and "log out everywhere" stay exact across servers:
//
//	st, err := redisstore.Open("redis://localhost:6379/0")
//	if err != nil { … }
//	defer st.Close()
//	m, err := session.New(session.Config{Storage: st})
//
// A single Redis or a Sentinel setup works; Redis Cluster does not (the multi-key transactions do not
// span slots). It lives apart from package session so that sites without Redis do not link a client.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fiberviews/fiberviews/session"
	fiberredis "github.com/gofiber/storage/redis/v3"
	"github.com/redis/go-redis/v9"
)

// Storage is a gofiber/storage/redis/v3 storage with the atomic operations package session uses.
// Safe for concurrent use.
type Storage struct {
	*fiberredis.Storage
	client redis.UniversalClient
}

var (
	_ session.Updater    = (*Storage)(nil)
	_ session.Appender   = (*Storage)(nil)
	_ session.Replacer   = (*Storage)(nil)
	_ session.ManyGetter = (*Storage)(nil)
)

// Open connects to Redis at addr, either "host:port" or a URL such as
// "redis://user:pass@host:6379/0" (rediss:// for TLS), and checks the connection within five seconds.
// Unlike redis.New it returns an error (wrapping session.ErrConfig or session.ErrStorage) instead of
// panicking. Close the storage when done.
func Open(addr string) (*Storage, error) {
	opts := &redis.Options{Addr: addr}
	switch {
	case addr == "":
		return nil, fmt.Errorf("%w: empty Redis address; use \"host:port\" or \"redis://host:port/db\"", session.ErrConfig)
	case strings.Contains(addr, "://"):
		var err error
		if opts, err = redis.ParseURL(addr); err != nil {
			return nil, fmt.Errorf("%w: Redis URL %q: %w", session.ErrConfig, addr, err)
		}
	}
	client := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("%w: connecting to Redis at %s: %w", session.ErrStorage, opts.Addr, err)
	}
	return Wrap(fiberredis.NewFromConnection(client)), nil
}

// Wrap gives a *redis.Storage of gofiber/storage/redis/v3 (for instance one made with redis.New for a
// Sentinel setup) the atomic operations. Closing the result closes st.
func Wrap(st *fiberredis.Storage) *Storage { return &Storage{Storage: st, client: st.Conn()} }

// Client returns the go-redis client.
func (s *Storage) Client() redis.UniversalClient { return s.client }

// Replace implements session.Replacer with SET key val XX.
func (s *Storage) Replace(key string, val []byte, exp time.Duration) (bool, error) {
	if key == "" || len(val) == 0 {
		return false, nil
	}
	return s.client.SetXX(context.Background(), key, val, exp).Result()
}

// maxRetries bounds the optimistic retries of Update under contention on one key.
const maxRetries = 64

// Update implements session.Updater with an optimistic WATCH/MULTI/EXEC transaction, retried when
// another client changed the key in between.
func (s *Storage) Update(key string, fn func(old []byte) ([]byte, time.Duration, error), also ...session.Write) error {
	if key == "" {
		return errors.New("redisstore: empty storage key")
	}
	ctx := context.Background()
	txf := func(tx *redis.Tx) error {
		old, err := tx.Get(ctx, key).Bytes()
		if errors.Is(err, redis.Nil) {
			old, err = nil, nil
		}
		if err != nil {
			return err
		}
		val, exp, err := fn(old)
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			queue(ctx, p, also...)
			queue(ctx, p, session.Write{Key: key, Val: val, Exp: exp})
			return nil
		})
		return err
	}
	for i := range maxRetries {
		err := s.client.Watch(ctx, txf, key)
		if !errors.Is(err, redis.TxFailedErr) {
			return err
		}
		time.Sleep(time.Duration(i+1) * time.Millisecond)
	}
	return fmt.Errorf("redisstore: updating %q: gave up after %d conflicting writes", key, maxRetries)
}

// Append implements session.Appender with one MULTI/EXEC transaction: the writes in also, then
// APPEND, whose answer is the new length (the value is not read back).
func (s *Storage) Append(key string, val []byte, also ...session.Write) (int, error) {
	if key == "" || len(val) == 0 {
		return 0, errors.New("redisstore: empty storage key or value")
	}
	ctx := context.Background()
	var n *redis.IntCmd
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		queue(ctx, p, also...)
		n = p.Append(ctx, key, string(val))
		return nil
	})
	if err != nil {
		return 0, err
	}
	return int(n.Val()), nil
}

// queue adds the writes to a transaction: SET for a value, DEL for none.
func queue(ctx context.Context, p redis.Pipeliner, writes ...session.Write) {
	for _, w := range writes {
		if w.Val == nil {
			p.Del(ctx, w.Key)
		} else {
			p.Set(ctx, w.Key, w.Val, w.Exp)
		}
	}
}

// GetMany implements session.ManyGetter with one MGET.
func (s *Storage) GetMany(keys []string) ([][]byte, error) {
	vals := make([][]byte, len(keys))
	if len(keys) == 0 {
		return vals, nil
	}
	res, err := s.client.MGet(context.Background(), keys...).Result()
	if err != nil {
		return nil, err
	}
	for i, r := range res {
		if str, ok := r.(string); ok {
			vals[i] = []byte(str)
		}
	}
	return vals, nil
}
