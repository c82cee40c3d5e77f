using System.IO.Compression;
using System.Text;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Common;

/// <summary>Pages carry Chinese as UTF-8 characters, compressed for visitors and never next to a signed-in user's secrets.</summary>
public sealed class PageEncodingAndCompressionTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private static HttpRequestMessage Get(string url, string encoding)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.AcceptEncoding.ParseAdd(encoding);
        return request;
    }

    [Fact]
    public async Task A_visitors_catalogue_comes_brotli_compressed_with_chinese_as_utf8_characters()
    {
        using var response = await app.CreateClient().SendAsync(Get("/course/1", "br"));

        Assert.Equal("br", Assert.Single(response.Content.Headers.ContentEncoding));
        await using var brotli = new BrotliStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var reader = new StreamReader(brotli, Encoding.UTF8);
        var html = await reader.ReadToEndAsync();
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Contains("Python 全栈开发", html);
        Assert.Contains("课程章节", html);
        Assert.DoesNotContain("&#x", html);
    }

    [Fact]
    public async Task A_signed_in_learners_pages_and_the_log_in_page_are_not_compressed_and_still_utf8()
    {
        var (_, name) = await app.CreateLearnerAsync();
        var learner = await app.BrowserForAsync(name);

        using var cart = await learner.SendAsync(Get("/cart", "br, gzip"));
        using var logIn = await app.CreateClient().SendAsync(Get("/Account/Login", "br, gzip"));

        Assert.Empty(cart.Content.Headers.ContentEncoding);
        Assert.Empty(logIn.Content.Headers.ContentEncoding);
        var (cartHtml, logInHtml) = (await cart.Content.ReadAsStringAsync(), await logIn.Content.ReadAsStringAsync());
        Assert.Contains("购物车", cartHtml);
        Assert.Contains("用户名或邮箱", logInHtml);
        Assert.DoesNotContain("&#x", cartHtml);
        Assert.DoesNotContain("&#x", logInHtml);
        Assert.All(new[] { cart, logIn }, r => Assert.Equal("utf-8", r.Content.Headers.ContentType?.CharSet));
    }
}
