package remote

import (
	"context"
	"fmt"
	"io"
)

// TokenFlagWarning is what the CLI prints when a token is given with --token.
const TokenFlagWarning = "warning: --token shows the token to every local user (ps, /proc/PID/cmdline); " +
	"use --token-file FILE or $" + TokenEnv

// ClientFlags are the token flags of the client commands (attach, status, ctl).
type ClientFlags struct {
	Token     string // --token: visible in the process list, so warned about
	TokenFile string // --token-file
}

// Options returns the ClientOptions the flags ask for: the token of --token,
// else of --token-file (see ReadTokenFile), else $SPINDLE_TOKEN. Giving both
// flags is an error matching ErrUsage; --token writes TokenFlagWarning to warn.
func (f ClientFlags) Options(warn io.Writer) ([]ClientOption, error) {
	tok, err := f.token(warn)
	if err != nil || tok == "" {
		return nil, err
	}
	return []ClientOption{WithClientToken(tok)}, nil
}

func (f ClientFlags) token(warn io.Writer) (string, error) {
	switch {
	case f.Token != "" && f.TokenFile != "":
		return "", usagef("give --token or --token-file, not both")
	case f.Token != "":
		fmt.Fprintln(warn, "spindle:", TokenFlagWarning)
		return f.Token, nil
	case f.TokenFile != "":
		return ReadTokenFile(f.TokenFile)
	}
	return TokenFrom(""), nil
}

// ServerOptions returns the server Options the same flags ask for `spindle
// serve`: WithToken for --token or $SPINDLE_TOKEN, WithTokenFile for
// --token-file (read, or created with a generated token).
func (f ClientFlags) ServerOptions(warn io.Writer) ([]Option, error) {
	if f.TokenFile != "" {
		if f.Token != "" {
			return nil, usagef("give --token or --token-file, not both")
		}
		return []Option{WithTokenFile(f.TokenFile)}, nil
	}
	tok, err := f.token(warn)
	if err != nil || tok == "" {
		return nil, err
	}
	return []Option{WithToken(tok)}, nil
}

// Status runs `spindle status`: it dials addr ("" for the newest socket) and
// prints the engine's snapshot (see WriteStatus).
func Status(ctx context.Context, w io.Writer, addr string, asJSON bool, opts ...ClientOption) error {
	c, err := Dial(ctx, addr, opts...)
	if err != nil {
		return err
	}
	defer c.Close()
	s, err := c.Snapshot(ctx)
	if err != nil {
		return err
	}
	return WriteStatus(w, s, asJSON)
}
