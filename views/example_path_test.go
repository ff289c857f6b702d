package views_test

import (
	"os"

	"github.com/fiberviews/fiberviews/urls"
	"github.com/fiberviews/fiberviews/views"
	"github.com/gofiber/fiber/v2"
)

// ArticleView is a class-based view of the table below.
type ArticleView struct{ views.Base }

// Get answers GET.
func (v *ArticleView) Get(c *fiber.Ctx) error { return c.SendString("article") }

// views.Path reads like Django's path("logout/", LogoutView.as_view(),
// name="logout"), and the url table lists the view's type.
func ExamplePath() {
	table := urls.MustCompile([]urls.Pattern{
		views.Path("articles/<int:id>/", &ArticleView{}, urls.Name("article")),
		views.Path("logout/", &views.LogoutView{NextPage: "article-list"}, urls.Name("logout")),
		urls.Path("articles/", views.LoginRequired(list), urls.Name("article-list")),
	})
	table.WriteTable(os.Stdout)
	app := fiber.New()
	table.Mount(app)
	show(app, "GET", "/articles/7/", "")
	// Output:
	// ROUTE                NAME          HANDLER                  ACCESS
	// /articles/<int:id>/  article       *views_test.ArticleView
	// /logout/             logout        *views.LogoutView        public
	// /articles/           article-list  views.LoginRequired
	// GET /articles/7/ → 200 article
}

func list(c *fiber.Ctx) error { return c.SendString("articles") }
