using System.Net;
using LuffyBlazor.Tests.Admin;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Orders;

/// <summary>
/// The shop's pages as static server rendering: no circuit for a shopper, and 立即购买 / 加入购物车 as plain form posts
/// (a browser without JavaScript, here a bare HttpClient) carrying the page's antiforgery token.
/// </summary>
public sealed class ShopFormsTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private const string IPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    /// <summary>Blazor writes a marker for each interactive component it prerenders; a static page has none.</summary>
    private const string CircuitMarker = "\"type\":\"server\"";

    private HttpClient NoRedirects() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<(HttpClient Client, string UserId)> LearnerAsync()
    {
        var (userId, name) = await app.CreateLearnerAsync("forms");
        var client = NoRedirects();
        var login = await client.LoginThroughPageAsync(name, AppScenarios.LearnerPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return (client, userId);
    }

    [Fact]
    public async Task Shop_pages_hold_no_circuit_for_visitors_or_learners_and_the_back_office_does()
    {
        var visitor = app.CreateClient();
        var (learner, _) = await LearnerAsync();
        var admin = app.CreateClient();
        await admin.LoginThroughPageAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);

        foreach (var url in new[] { "/", "/?q=Go", "/course/1", "/Account/Login", "/Account/Register" })
        {
            Assert.DoesNotContain(CircuitMarker, await visitor.GetStringAsync(url));
        }

        foreach (var url in new[] { "/", "/course/1", "/cart", "/orders", "/my/courses", "/pay/success" })
        {
            Assert.DoesNotContain(CircuitMarker, await learner.GetStringAsync(url));
        }

        Assert.Contains(CircuitMarker, await admin.GetStringAsync("/admin"));
    }

    [Fact]
    public async Task Add_to_cart_is_a_form_post_that_shows_the_course_in_the_cart_and_its_count_in_the_header()
    {
        var (learner, userId) = await LearnerAsync();

        using var response = await learner.SubmitFormAsync("/course/12", "add-to-cart-12", new Dictionary<string, string>());
        var html = WebUtility.HtmlDecode(await learner.GetStringAsync(response.Headers.Location));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/course/12?added=1", response.Headers.Location!.PathAndQuery);
        Assert.Contains("已加入购物车", html);
        Assert.Contains("已在购物车", html);
        Assert.Contains("<span class=\"luffy-badge\" id=\"cart-count\" aria-hidden=\"true\">1</span>", html);
        Assert.Equal(1, await app.QueryAsync(db => db.CartItems.CountAsync(c => c.UserId == userId && c.CourseId == 12)));
    }

    [Fact]
    public async Task Without_wechat_pay_configured_no_pay_type_is_offered_and_a_posted_wechat_choice_is_refused_clearly()
    {
        var (learner, userId) = await LearnerAsync();

        var page = await learner.GetStringAsync("/course/14");
        using var response = await learner.SubmitFormAsync("/course/14", "buy-14", new Dictionary<string, string> { ["pay_type"] = "2" });

        Assert.DoesNotContain("name=\"pay_type\"", page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("微信支付暂未开通，请使用支付宝", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        Assert.False(await app.QueryAsync(db => db.Orders.AnyAsync(o => o.UserId == userId)));
    }

    [Fact]
    public async Task Buy_is_a_form_post_answered_with_a_redirect_to_the_cashier_wap_pay_for_a_phone()
    {
        var (learner, userId) = await LearnerAsync();
        learner.DefaultRequestHeaders.UserAgent.ParseAdd(IPhone);

        using var response = await learner.SubmitFormAsync("/course/13", "buy-13", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cashier = response.Headers.Location!.AbsoluteUri;
        Assert.Contains("method=alipay.trade.wap.pay", cashier);
        Assert.True(cashier.Length < 8 * 1024, $"the cashier URL ({cashier.Length} characters) fits in a Location header");
        var order = await app.QueryAsync(db => db.Orders.Include(o => o.Details).SingleAsync(o => o.UserId == userId));
        Assert.Contains(order.OutTradeNo, Uri.UnescapeDataString(cashier));
        Assert.Equal([13], order.Details.Select(d => d.CourseId));
    }

    [Fact]
    public async Task A_buy_post_without_the_antiforgery_token_is_refused_and_places_nothing()
    {
        var (learner, userId) = await LearnerAsync();

        using var response = await learner.PostAsync("/course/14", new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "buy-14" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(await app.QueryAsync(db => db.Orders.AnyAsync(o => o.UserId == userId)));
    }

    [Fact]
    public async Task A_visitors_buy_leads_to_a_log_in_page_that_says_why_and_logging_in_there_goes_on_to_the_cashier()
    {
        var (userId, name) = await app.CreateLearnerAsync("resume");
        var visitor = NoRedirects();
        var course = await app.QueryAsync(db => db.Courses.SingleAsync(c => c.Id == 5));
        var coursePage = await visitor.GetStringAsync("/course/5");
        // A GET form (with the pay type choice when WeChat Pay is on, not here): the browser asks for the same address.
        Assert.Contains("<form method=\"get\" action=\"Account/Login\"", coursePage);
        Assert.Contains("<input type=\"hidden\" name=\"returnUrl\" value=\"/course/5\"", coursePage);
        Assert.Contains("<input type=\"hidden\" name=\"purchase\" value=\"5\"", coursePage);
        Assert.DoesNotContain("name=\"pay_type\"", coursePage);

        var logInPage = WebUtility.HtmlDecode(await visitor.GetStringAsync("/Account/Login?returnUrl=%2Fcourse%2F5&purchase=5"));
        var nothingYet = await app.QueryAsync(db => db.Orders.AnyAsync(o => o.UserId == userId));
        using var loggedIn = await visitor.SubmitFormAsync("/Account/Login?returnUrl=%2Fcourse%2F5&purchase=5", "login", new Dictionary<string, string>
        {
            ["Input.Login"] = name,
            ["Input.Password"] = AppScenarios.LearnerPassword,
        });

        Assert.Contains($"登录后继续购买《{course.Name}》，使用支付宝", logInPage);
        Assert.False(nothingYet);
        Assert.Equal(HttpStatusCode.Redirect, loggedIn.StatusCode);
        Assert.Contains("method=alipay.trade.page.pay", loggedIn.Headers.Location!.AbsoluteUri);
        var order = await app.QueryAsync(db => db.Orders.Include(o => o.Details).SingleAsync(o => o.UserId == userId));
        Assert.Equal([5], order.Details.Select(d => d.CourseId));
    }
}
