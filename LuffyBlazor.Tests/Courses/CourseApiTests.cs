using System.Net;
using System.Text.RegularExpressions;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Courses;

public sealed class CourseApiTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task The_course_list_is_paged_with_prices_as_two_decimal_strings()
    {
        using var response = await client.GetAsync("/api/v1/course/?page=1&size=5");
        var body = await ApiClient.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(100, body.GetProperty("status").GetInt32());
        var items = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(5, items.Count);
        Assert.All(items, item =>
        {
            Assert.Matches(new Regex(@"^\d+\.\d{2}$"), item.GetProperty("price").GetString()!);
            Assert.StartsWith("/media/covers/", item.GetProperty("cover").GetString());
            Assert.True(item.GetProperty("id").GetInt32() > 0);
            Assert.False(string.IsNullOrEmpty(item.GetProperty("name").GetString()));
        });
        Assert.True(int.Parse(response.Headers.GetValues("X-Total-Count").Single()) >= 12);
    }

    [Fact]
    public async Task Pages_do_not_overlap_and_the_cheap_sandbox_course_is_listed()
    {
        var first = await client.GetJsonAsync("/api/v1/course/?page=1&size=10");
        var second = await client.GetJsonAsync("/api/v1/course/?page=2&size=10");

        var ids = first.Body.GetProperty("data").EnumerateArray().Concat(second.Body.GetProperty("data").EnumerateArray())
            .Select(c => c.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.True(ids.Count >= 12);
        var prices = first.Body.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("price").GetString());
        Assert.Contains("0.01", prices);
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("page=21474837", "page")]
    [InlineData("page=2147483647", "page")]
    [InlineData("page=99999999999", "page")]
    [InlineData("size=0", "size")]
    [InlineData("size=1000", "size")]
    [InlineData("size=1.5", "size")]
    public async Task Bad_paging_input_is_a_400_with_a_clear_message(string query, string mentions)
    {
        var (code, body) = await client.GetJsonAsync($"/api/v1/course/?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.NotEqual(100, body.GetProperty("status").GetInt32());
        Assert.Contains(mentions, body.GetProperty("msg").GetString());
    }

    [Fact]
    public async Task The_last_page_number_allowed_is_served_as_an_empty_page()
    {
        var (code, body) = await client.GetJsonAsync($"/api/v1/course/?page={CatalogueQuery.MaxPage}&size={CatalogueQuery.MaxSize}");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Empty(body.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task A_course_comes_with_its_chapters_and_lessons()
    {
        var (code, body) = await client.GetJsonAsync("/api/v1/course/1/");

        Assert.Equal(HttpStatusCode.OK, code);
        var course = body.GetProperty("data");
        Assert.Equal("Python 全栈开发", course.GetProperty("name").GetString());
        Assert.Equal("198.00", course.GetProperty("price").GetString());
        var chapters = course.GetProperty("chapters").EnumerateArray().ToList();
        Assert.True(chapters.Count >= 3);
        Assert.Contains(chapters.SelectMany(c => c.GetProperty("lessons").EnumerateArray()), l => l.GetProperty("free_preview").GetBoolean());
    }

    [Fact]
    public async Task An_unknown_course_is_a_404_envelope()
    {
        var (code, body) = await client.GetJsonAsync("/api/v1/course/99999/");

        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal(105, body.GetProperty("status").GetInt32());
        Assert.Equal("课程不存在", body.GetProperty("msg").GetString());
    }
}
