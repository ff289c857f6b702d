package views

import (
	"errors"
	"fmt"
)

// ErrImproperlyConfigured is matched (errors.Is) by every registration and
// start-up error of this package (Django's ImproperlyConfigured).
var ErrImproperlyConfigured = errors.New("views: improperly configured")

// ConfigError reports a view or setting that cannot work, found when the
// view is registered (AsView, Path) or the site is set up (Setup, Check).
// Its message says what is wrong and how to fix it.
type ConfigError struct {
	View  string // the view's Go type, e.g. "*main.MyView"; "views.Config" for a setting
	Field string // the field, method or hook at fault; "" when the view as a whole is wrong
	Msg   string // what is wrong and how to fix it
}

// Error describes the mistake and how to fix it.
func (e *ConfigError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("views: %s %s", e.View, e.Msg)
	}
	return fmt.Sprintf("views: %s.%s: %s", e.View, e.Field, e.Msg)
}

// Unwrap returns ErrImproperlyConfigured.
func (e *ConfigError) Unwrap() error { return ErrImproperlyConfigured }
