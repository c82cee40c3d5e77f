using Bunit;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace LuffyBlazor.Tests.Courses;

/// <summary>The catalogue page rendered with bUnit over the seeded test database.</summary>
public sealed class CatalogueComponentTests : BunitTestContext, IClassFixture<LuffyAppFactory>
{
    public CatalogueComponentTests(LuffyAppFactory app)
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(app.Services.GetRequiredService<CourseCatalog>());
    }

    private IRenderedComponent<CataloguePage> RenderAt(string relativeUrl)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(relativeUrl);
        var page = Render<CataloguePage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".course-card, #catalogue-empty")), TimeSpan.FromSeconds(5));
        return page;
    }

    private static List<string> CourseNames(IRenderedComponent<CataloguePage> page) =>
        page.FindAll(".course-name").Select(e => e.TextContent.Trim()).ToList();

    [Fact]
    public void The_first_page_shows_twelve_seeded_courses_with_price_teacher_and_cover()
    {
        var page = RenderAt("/");

        Assert.Equal(12, page.FindAll(".course-card").Count);
        Assert.Contains("Python 全栈开发", CourseNames(page));
        Assert.Contains("¥198.00", page.Markup);
        Assert.Contains("李明轩", page.Markup);
        Assert.Contains("/media/covers/python-fullstack.svg", page.Markup);
        Assert.Contains("共 15 门课程", page.Find("#catalogue-total").TextContent);
    }

    [Fact]
    public void Searching_by_name_finds_matching_courses_only_case_insensitively()
    {
        var page = RenderAt("/?q=go");

        var names = CourseNames(page);
        Assert.Equal(["Django 项目实战：路飞学城", "Go 语言基础", "Go 并发编程", "Go 微服务实战"], names);
    }

    [Fact]
    public async Task Filtering_by_category_shows_that_category_only()
    {
        var categoryId = (await Services.GetRequiredService<CourseCatalog>().GetCategoriesAsync()).Single(c => c.Name == "Linux 运维").Id;

        var page = RenderAt($"/?category={categoryId}");

        Assert.Equal(["Linux 运维入门", "Shell 脚本编程", "Docker 与 Kubernetes 实战", "Nginx 高性能 Web 服务"], CourseNames(page));
    }

    [Fact]
    public void A_search_without_results_says_so()
    {
        var page = RenderAt("/?q=cobol");

        Assert.Contains("没有找到相关课程", page.Find("#catalogue-empty").TextContent);
    }

    [Fact]
    public void The_second_page_has_the_remaining_courses()
    {
        var page = RenderAt("/?page=2");

        Assert.Equal(3, page.FindAll(".course-card").Count);
    }

    [Fact]
    public void A_page_number_out_of_range_shows_no_courses_and_offers_the_first_page()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/?page=2147483647");

        var page = Render<CataloguePage>();

        page.WaitForAssertion(() => Assert.Contains("页码无效", page.Find("#catalogue-bad-page").TextContent), TimeSpan.FromSeconds(5));
        Assert.Empty(page.FindAll(".course-card"));
    }

    [Fact]
    public async Task The_search_box_is_a_get_form_that_keeps_the_chosen_category_and_categories_and_pages_are_links()
    {
        var categoryId = (await Services.GetRequiredService<CourseCatalog>().GetCategoriesAsync()).Single(c => c.Name == "Linux 运维").Id;

        var page = RenderAt($"/?category={categoryId}&q=o");

        var form = page.Find("form[role=search]");
        Assert.Equal("get", form.GetAttribute("method"));
        Assert.Equal("o", page.Find("#course-search").GetAttribute("value"));
        Assert.Equal("q", page.Find("#course-search").GetAttribute("name"));
        Assert.Equal(categoryId.ToString(), form.QuerySelector("input[name=category]")!.GetAttribute("value"));
        Assert.Equal("?q=o", page.Find(".catalogue-category:not([aria-current])").GetAttribute("href"));
        Assert.Equal($"?q=o&category={categoryId}", page.Find(".catalogue-category[aria-current=page]").GetAttribute("href"));
        Assert.Empty(page.FindAll(".page-links")); // one page of results: no paging
    }

    [Fact]
    public void Paging_links_lead_to_the_neighbouring_pages()
    {
        var page = RenderAt("/?page=2");

        Assert.Equal("", page.Find(".page-links a[rel=prev]").GetAttribute("href"));
        Assert.Equal("?page=2", page.Find(".page-links a[aria-current=page]").GetAttribute("href"));
        Assert.Empty(page.FindAll(".page-links a[rel=next]"));
    }
}
