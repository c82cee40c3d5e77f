using System.Net;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Courses;

public sealed class CoursePageTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task A_course_page_shows_the_course_its_chapters_and_free_previews()
    {
        var response = await client.GetAsync("/course/1");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Python 全栈开发", System.Net.WebUtility.HtmlDecode(html));
        Assert.Contains("¥198.00", System.Net.WebUtility.HtmlDecode(html));
        Assert.Contains("免费试看", System.Net.WebUtility.HtmlDecode(html));
    }

    [Theory]
    [InlineData("/course/99999")]
    [InlineData("/course/not-a-number")]
    [InlineData("/no/such/page")]
    public async Task Unknown_pages_answer_404_with_a_friendly_page(string url)
    {
        var (code, html) = await GetPageAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Contains("页面不存在", html);
        Assert.Contains("返回课程首页", html);
        Assert.DoesNotContain("Exception", html);
    }

    [Theory]
    [InlineData("/?page=0")]
    [InlineData("/?page=abc")]
    [InlineData("/?page=2147483647")]
    public async Task A_catalogue_page_number_out_of_range_answers_400_with_a_way_back(string url)
    {
        var (code, html) = await GetPageAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("页码无效", html);
        Assert.Contains("返回第一页", html);
        Assert.DoesNotContain("course-card", html);
    }

    private async Task<(HttpStatusCode Code, string Html)> GetPageAsync(string url)
    {
        using var response = await client.GetAsync(url);
        return (response.StatusCode, System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }
}
