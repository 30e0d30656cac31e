package llm

import (
	"regexp"
	"strings"
)

// An endpoint may echo what it was sent in an error body ("invalid key
// Bearer sk-…"), and an error is printed, stored with a judge run and
// shown in the workbench. So every message that came from an endpoint is
// cleaned of the key the client holds and of anything shaped like a
// credential before it leaves this package.

// credential matches an Authorization value and the shapes API keys take:
// a Bearer or Basic token, an "sk-…" key, and key=value or "key": "value"
// pairs whose name says key, token or secret.
var credential = regexp.MustCompile(`(?i)(\b(?:bearer|basic)\s+)[^\s"',;]+` +
	`|\bsk-[a-z0-9_\-]{6,}` +
	`|((?:api[_-]?key|access[_-]?token|auth[_-]?token|secret|password|authorization)["']?\s*[:=]\s*["']?(?:(?:bearer|basic)\s+)?)[^\s"',;}]+`)

// Redacted replaces what is removed.
const Redacted = "[redacted]"

// RedactSecrets returns msg without the given secrets (each at least four
// characters; shorter ones would match ordinary text) and without anything
// shaped like a credential.
func RedactSecrets(msg string, secrets ...string) string {
	for _, s := range secrets {
		if len(s) >= 4 {
			msg = strings.ReplaceAll(msg, s, Redacted)
		}
	}
	return credential.ReplaceAllStringFunc(msg, func(m string) string {
		sub := credential.FindStringSubmatch(m)
		switch {
		case sub[1] != "":
			return sub[1] + Redacted
		case sub[2] != "":
			return sub[2] + Redacted
		}
		return Redacted
	})
}

// secretError is an error whose text was cleaned of secrets; it still
// unwraps to the original for errors.Is (cancellation, timeouts).
type secretError struct {
	msg string
	err error
}

func (e *secretError) Error() string { return e.msg }
func (e *secretError) Unwrap() error { return e.err }

// redactError cleans err's text of the secrets and credentials; a
// StatusError keeps its type with a cleaned message.
func redactError(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	if se, ok := err.(*StatusError); ok {
		c := *se
		c.Message = RedactSecrets(se.Message, secrets...)
		return &c
	}
	msg := RedactSecrets(err.Error(), secrets...)
	if msg == err.Error() {
		return err
	}
	return &secretError{msg: msg, err: err}
}
