package main

import (
	"github.com/fiberviews/fiberviews/views"
)

// passwordChangeView is the "Change password" page: Django's
// PasswordChangeView, checking and setting passwords through
// views.Config.Users (auth_user). A change logs out every other session of
// the user (the session auth hash changes); this one stays logged in.
func (s *site) passwordChangeView() *views.PasswordChangeView {
	return &views.PasswordChangeView{
		// The site's templates/registration/password_change_form.html
		// replaces the library's page of that name.
		FormView: views.FormView[views.PasswordChangeForm]{SuccessURL: "accounts:password_change_done"},
	}
}
