package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	redisstorage "github.com/gofiber/storage/redis/v3"
	"github.com/redis/go-redis/v9"
)

// RedisStorage is a gofiber/storage/redis/v3 storage that also implements Updater (WATCH/MULTI
// transactions) and Replacer (SET … XX), so several servers can share sessions and "log out
// everywhere" stays exact across them. A plain *redis.Storage given as Config.Storage is wrapped in
// one automatically. Safe for concurrent use.
type RedisStorage struct {
	*redisstorage.Storage
	client redis.UniversalClient
}

var (
	_ Updater  = (*RedisStorage)(nil)
	_ Appender = (*RedisStorage)(nil)
	_ Replacer = (*RedisStorage)(nil)
)

// OpenRedis connects to Redis at addr, either "host:port" or a URL such as
// "redis://user:pass@host:6379/0" (rediss:// for TLS), and checks the connection within five seconds.
// Unlike redis.New it returns an error (wrapping ErrConfig or ErrStorage) instead of panicking. Close
// the storage when done.
func OpenRedis(addr string) (*RedisStorage, error) {
	var opts *redis.Options
	switch {
	case strings.Contains(addr, "://"):
		o, err := redis.ParseURL(addr)
		if err != nil {
			return nil, fmt.Errorf("%w: Redis URL %q: %w", ErrConfig, addr, err)
		}
		opts = o
	case addr == "":
		return nil, fmt.Errorf("%w: empty Redis address; use \"host:port\" or \"redis://host:port/db\"", ErrConfig)
	default:
		opts = &redis.Options{Addr: addr}
	}
	client := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("%w: connecting to Redis at %s: %w", ErrStorage, opts.Addr, err)
	}
	return &RedisStorage{Storage: redisstorage.NewFromConnection(client), client: client}, nil
}

// Replace implements Replacer with SET key val XX.
func (s *RedisStorage) Replace(key string, val []byte, exp time.Duration) (bool, error) {
	if key == "" || len(val) == 0 {
		return false, nil
	}
	return s.client.SetXX(context.Background(), key, val, exp).Result()
}

// maxRedisRetries bounds the optimistic retries of Update under contention on one key.
const maxRedisRetries = 64

// Update implements Updater with an optimistic WATCH/MULTI/EXEC transaction, retried when another
// client changed the key in between.
func (s *RedisStorage) Update(key string, fn func(old []byte) ([]byte, time.Duration, error), also ...Write) error {
	if key == "" {
		return errors.New("session: empty storage key")
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
			write := func(w Write) {
				if w.Val == nil {
					p.Del(ctx, w.Key)
				} else {
					p.Set(ctx, w.Key, w.Val, w.Exp)
				}
			}
			for _, w := range also {
				write(w)
			}
			write(Write{Key: key, Val: val, Exp: exp})
			return nil
		})
		return err
	}
	for i := 0; i < maxRedisRetries; i++ {
		err := s.client.Watch(ctx, txf, key)
		if !errors.Is(err, redis.TxFailedErr) {
			return err
		}
		time.Sleep(time.Duration(i+1) * time.Millisecond)
	}
	return fmt.Errorf("session: updating %q: gave up after %d conflicting writes", key, maxRedisRetries)
}

// Append implements Appender with one MULTI/EXEC transaction: the writes in also, APPEND, GET.
func (s *RedisStorage) Append(key string, val []byte, also ...Write) ([]byte, error) {
	if key == "" || len(val) == 0 {
		return nil, errors.New("session: empty storage key or value")
	}
	ctx := context.Background()
	var get *redis.StringCmd
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, w := range also {
			if w.Val == nil {
				p.Del(ctx, w.Key)
			} else {
				p.Set(ctx, w.Key, w.Val, w.Exp)
			}
		}
		p.Append(ctx, key, string(val))
		get = p.Get(ctx, key)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return get.Bytes()
}

// getMany reads many keys with one MGET (nil for absent ones).
func (s *RedisStorage) getMany(keys []string) ([][]byte, error) {
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

// Client returns the go-redis client.
func (s *RedisStorage) Client() redis.UniversalClient { return s.client }
