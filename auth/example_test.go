package auth_test

import (
	"fmt"

	"github.com/fiberviews/fiberviews/auth"
)

func ExampleMakePassword() {
	encoded, err := auth.MakePassword("correct horse battery staple")
	if err != nil { // auth.ErrBusy when the hashing pool stayed full
		panic(err)
	}
	ok, mustUpdate, _ := auth.CheckPassword("correct horse battery staple", encoded)
	fmt.Println(ok, mustUpdate)
	ok, _, _ = auth.CheckPassword("wrong", encoded)
	fmt.Println(ok)
	// Output:
	// true false
	// false
}

func ExampleValidatePassword() {
	user := &auth.User{Username: "janedoe77", Email: "jane@example.com"}
	err := auth.ValidatePassword("janedoe77!", user)
	if errs, ok := err.(auth.ValidationErrors); ok {
		for _, m := range errs.Messages() {
			fmt.Println(m)
		}
	}
	// Output:
	// The password is too similar to the username.
}
