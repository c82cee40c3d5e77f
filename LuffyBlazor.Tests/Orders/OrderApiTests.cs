using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Web;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Orders;

public sealed class OrderApiTests(OrderApiTests.App app) : IClassFixture<OrderApiTests.App>
{
    public sealed class App() : LuffyAppFactory(AlipayTestKeys.Settings());

    private async Task<HttpClient> LearnerApiAsync()
    {
        var (_, name) = await app.CreateLearnerAsync("api");
        var token = await app.CreateClient().LoginForTokenAsync(name, AppScenarios.LearnerPassword);
        return app.CreateClient().WithBearer(token);
    }

    [Fact]
    public async Task Paying_through_the_api_answers_a_signed_page_pay_url_and_the_order_number()
    {
        var client = await LearnerApiAsync();

        var (code, body) = await client.PostJsonAsync("/api/v1/order/pay/", new { subject = "买课", total_amount = "297.00", pay_type = 1, courses = new[] { 1, 3 } });

        Assert.Equal(HttpStatusCode.OK, code);
        var data = body.GetProperty("data");
        var outTradeNo = data.GetProperty("out_trade_no").GetString()!;
        var url = new Uri(data.GetProperty("pay_url").GetString()!);
        Assert.Equal("openapi-sandbox.dl.alipaydev.com", url.Host);
        var query = HttpUtility.ParseQueryString(url.Query);
        Assert.Equal("alipay.trade.page.pay", query["method"]);
        Assert.Equal(AlipayTestKeys.AppId, query["app_id"]);
        Assert.Equal("RSA2", query["sign_type"]);
        Assert.False(string.IsNullOrEmpty(query["sign"]));
        Assert.Contains($"\"out_trade_no\":\"{outTradeNo}\"", query["biz_content"]);
        Assert.Contains("\"total_amount\":\"297.00\"", query["biz_content"]);
        Assert.Equal(AlipayTestKeys.NotifyUrl, query["notify_url"]);
        Assert.Equal(AlipayTestKeys.ReturnUrl, query["return_url"]);
        Assert.Equal(297.00m, (await app.OrderAsync(outTradeNo)).TotalAmount);
    }

    [Fact]
    public async Task A_phone_gets_the_wap_cashier()
    {
        var client = await LearnerApiAsync();
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148");

        var (_, body) = await client.PostJsonAsync("/api/v1/order/pay/", new { total_amount = 99.00, pay_type = 1, courses = new[] { 3 } });

        var query = HttpUtility.ParseQueryString(new Uri(body.GetProperty("data").GetProperty("pay_url").GetString()!).Query);
        Assert.Equal("alipay.trade.wap.pay", query["method"]);
        Assert.Contains("QUICK_WAP_WAY", query["biz_content"]);
        Assert.Contains("\"quit_url\":\"https://luffy.example.com/orders\"", query["biz_content"]);
    }

    [Theory]
    [InlineData("https://luffy.example.com/pay/success", "https://luffy.example.com/orders")]
    [InlineData("https://school.example.com/luffy/pay/success", "https://school.example.com/luffy/orders")]
    public void A_phone_that_quits_the_cashier_goes_to_my_orders_beside_the_return_page(string returnUrl, string quitUrl)
    {
        Assert.Equal(quitUrl, Checkout.MyOrdersBeside(returnUrl));
    }

    [Theory]
    [InlineData("1.00", new[] { 1 }, "订单金额不一致")]
    [InlineData("198.00", new int[0], "至少选择一门课程")]
    [InlineData("99.00", new[] { 424242 }, "课程不存在")]
    [InlineData("abc", new[] { 1 }, "请求格式错误")]
    [InlineData("-1", new[] { 1 }, "total_amount")]
    [InlineData("1.001", new[] { 1 }, "total_amount")]
    public async Task Each_refusal_is_a_400_with_a_message(string total, int[] courses, string expected)
    {
        var client = await LearnerApiAsync();

        var (code, body) = await client.PostJsonAsync("/api/v1/order/pay/", new { subject = "x", total_amount = total, pay_type = 1, courses });

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.NotEqual(100, body.GetProperty("status").GetInt32());
        Assert.Contains(expected, body.GetProperty("msg").GetString());
    }

    [Theory]
    [InlineData("///")]
    [InlineData("😀🎉")]
    [InlineData(" / = & ")]
    [InlineData("👨\u200D👩\u200D👧\uFE0F")]
    public async Task A_subject_that_cleans_to_nothing_is_a_400_that_stores_no_order_and_buying_again_works(string subject)
    {
        var (learner, name) = await app.CreateLearnerAsync("subject");
        var client = app.CreateClient().WithBearer(await app.CreateClient().LoginForTokenAsync(name, AppScenarios.LearnerPassword));

        var (code, body) = await client.PostJsonAsync("/api/v1/order/pay/", new { subject, total_amount = "99.00", pay_type = 1, courses = new[] { 3 } });
        var orders = await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == learner));
        var (again, paid) = await client.PostJsonAsync("/api/v1/order/pay/", new { subject = "买 Go 课", total_amount = "99.00", pay_type = 1, courses = new[] { 3 } });

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal(101, body.GetProperty("status").GetInt32());
        Assert.Contains("订单标题（subject）去掉支付宝不接受的字符", body.GetProperty("msg").GetString());
        Assert.Equal(0, orders);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal("订单已创建", paid.GetProperty("msg").GetString());
        Assert.Equal("买 Go 课", (await app.OrderAsync(paid.GetProperty("data").GetProperty("out_trade_no").GetString()!)).Subject);
    }

    [Fact]
    public async Task A_subject_longer_than_the_column_is_cut_between_whole_characters_and_the_cashier_gets_it_too()
    {
        var client = await LearnerApiAsync();
        var subject = new string('课', 250) + "é👍🏽路飞𠀀学城"; // é with a combining accent, an emoji with a skin tone, an Extension B ideograph
        subject = subject.Replace("é", "e\u0301");

        var (code, body) = await client.PostJsonAsync("/api/v1/order/pay/", new { subject, total_amount = "198.00", pay_type = 1, courses = new[] { 1 } });

        Assert.Equal(HttpStatusCode.OK, code);
        var stored = (await app.OrderAsync(body.GetProperty("data").GetProperty("out_trade_no").GetString()!)).Subject;
        Assert.Equal(new string('课', 250) + "e\u0301👍🏽", stored); // 256: the next element would not fit
        var query = HttpUtility.ParseQueryString(new Uri(body.GetProperty("data").GetProperty("pay_url").GetString()!).Query);
        Assert.Contains($"\"subject\":\"{new string('课', 250)}e\u0301\"", query["biz_content"]);
    }

    [Fact]
    public async Task A_course_the_learner_already_owns_is_refused_with_a_400()
    {
        var (learner, name) = await app.CreateLearnerAsync("owner");
        var owned = await app.PlaceOrderAsync(learner, 15);
        await app.CreateClient().PostNotifyAsync(NotifyForms.Paid(owned.OutTradeNo, owned.TotalAmount).Signed());
        var client = app.CreateClient().WithBearer(await app.CreateClient().LoginForTokenAsync(name, AppScenarios.LearnerPassword));

        var (code, body) = await client.PostJsonAsync("/api/v1/order/pay/", new { total_amount = LuffyBlazor.Common.Money.Format(owned.TotalAmount), pay_type = 1, courses = new[] { 15 } });

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal(101, body.GetProperty("status").GetInt32());
        Assert.Contains("您已购买", body.GetProperty("msg").GetString());
        Assert.Equal(1, await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == learner)));
    }

    [Fact]
    public async Task Paying_requires_a_log_in()
    {
        var (code, body) = await app.CreateClient().PostJsonAsync("/api/v1/order/pay/", new { total_amount = "198.00", pay_type = 1, courses = new[] { 1 } });

        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Equal(103, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task The_success_query_says_paid_not_paid_or_unknown_from_the_database()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, 12);
        var client = app.CreateClient();

        var unpaid = await client.GetJsonAsync($"/api/v1/order/success/?out_trade_no={order.OutTradeNo}");
        await client.PostNotifyAsync(NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed());
        var paid = await client.GetJsonAsync($"/api/v1/order/success/?out_trade_no={order.OutTradeNo}");
        var unknown = await client.GetJsonAsync("/api/v1/order/success/?out_trade_no=20260101000000ABCDEF");

        Assert.Equal((HttpStatusCode.OK, 101, "订单还未支付"), (unpaid.Code, unpaid.Body.GetProperty("status").GetInt32(), unpaid.Body.GetProperty("msg").GetString()));
        Assert.Equal((HttpStatusCode.OK, 100, "订单支付成功"), (paid.Code, paid.Body.GetProperty("status").GetInt32(), paid.Body.GetProperty("msg").GetString()));
        Assert.Equal((HttpStatusCode.NotFound, 101), (unknown.Code, unknown.Body.GetProperty("status").GetInt32()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?out_trade_no=")]
    [InlineData("?out_trade_no=not-a-number!")]
    [InlineData("?out_trade_no=20260101000000ABCDEF20260101000000ABCDEF20260101000000ABCDEF1234567")]
    public async Task The_success_query_without_a_well_formed_number_is_a_400_with_status_101(string query)
    {
        var (code, body) = await app.CreateClient().GetJsonAsync("/api/v1/order/success/" + query);

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal(101, body.GetProperty("status").GetInt32());
        Assert.Contains("out_trade_no", body.GetProperty("msg").GetString());
    }
}

/// <summary><c>time_expire</c> sent to Alipay is the order's own deadline, in Beijing time, however late it is paid.</summary>
public sealed class PaymentDeadlineTests(ScriptedAlipayApp fixture) : IClassFixture<ScriptedAlipayApp>
{
    private static string TimeExpire(JsonElement body)
    {
        var url = new Uri(body.GetProperty("data").GetProperty("pay_url").GetString()!);
        return JsonDocument.Parse(HttpUtility.ParseQueryString(url.Query)["biz_content"]!).RootElement.GetProperty("time_expire").GetString()!;
    }

    /// <summary>Beijing is UTC+8 all year (no daylight saving).</summary>
    private static string Beijing(DateTime utc) => utc.AddHours(8).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_first_payment_and_a_payment_five_minutes_later_both_expire_at_the_orders_deadline()
    {
        var app = fixture.App;
        var (_, name) = await app.CreateLearnerAsync("deadline");
        var client = app.CreateClient().WithBearer(await app.CreateClient().LoginForTokenAsync(name, AppScenarios.LearnerPassword));
        var pay = new { total_amount = "99.00", pay_type = 1, courses = new[] { 3 } };

        var (_, first) = await client.PostJsonAsync("/api/v1/order/pay/", pay);
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        var (_, again) = await client.PostJsonAsync("/api/v1/order/pay/", pay);

        var order = await app.OrderAsync(first.GetProperty("data").GetProperty("out_trade_no").GetString()!);
        Assert.Equal(order.OutTradeNo, again.GetProperty("data").GetProperty("out_trade_no").GetString());
        Assert.Equal(Beijing(order.ExpiresAt), TimeExpire(first));
        Assert.Equal(Beijing(order.ExpiresAt), TimeExpire(again));
        Assert.Equal(TimeSpan.FromMinutes(15), order.ExpiresAt - order.CreatedAt);
    }
}

/// <summary>Learner B never sees learner A's order: not through the return page, my orders, or the API.</summary>
public sealed class OrderAccessTests(OrderAccessTests.App app) : IClassFixture<OrderAccessTests.App>
{
    public sealed class App() : LuffyAppFactory(AlipayTestKeys.Settings());

    [Fact]
    public async Task Another_learner_sees_a_neutral_message_on_the_return_page_and_nothing_in_my_orders()
    {
        var (alice, _) = await app.CreateLearnerAsync("alice");
        var (_, bobName) = await app.CreateLearnerAsync("bob");
        var order = await app.PlaceOrderAsync(alice, 13);
        var bob = await app.BrowserForAsync(bobName);

        var returnPage = WebUtility.HtmlDecode(await bob.GetStringAsync($"/pay/success?out_trade_no={order.OutTradeNo}"));
        var myOrders = WebUtility.HtmlDecode(await bob.GetStringAsync("/orders"));

        Assert.Contains("请使用下单的账户登录", returnPage);
        Assert.DoesNotContain(order.Subject, returnPage);
        Assert.DoesNotContain(LuffyBlazor.Common.Money.Display(order.TotalAmount), returnPage);
        Assert.DoesNotContain(order.OutTradeNo, myOrders);
        Assert.Contains("还没有订单", myOrders);
    }

    [Fact]
    public async Task The_buyer_sees_the_order_on_the_return_page_and_in_my_orders()
    {
        var (alice, aliceName) = await app.CreateLearnerAsync("alice");
        var order = await app.PlaceOrderAsync(alice, 14);
        var browser = await app.BrowserForAsync(aliceName);

        var returnPage = WebUtility.HtmlDecode(await browser.GetStringAsync($"/pay/success?out_trade_no={order.OutTradeNo}"));
        var myOrders = WebUtility.HtmlDecode(await browser.GetStringAsync("/orders"));

        Assert.Contains("还未收到支付结果", returnPage);
        Assert.Contains(order.OutTradeNo, returnPage);
        Assert.Contains(order.OutTradeNo, myOrders);
        Assert.Contains(OrderStatus.Unpaid.ToChinese(), myOrders);
    }

    [Fact]
    public async Task A_visitor_is_sent_to_log_in_for_my_orders_and_my_courses()
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var orders = await client.GetAsync("/orders");
        var courses = await client.GetAsync("/my/courses");
        var cart = await client.GetAsync("/cart");

        Assert.All([orders, courses, cart], r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.StartsWith("/Account/Login", orders.Headers.Location!.PathAndQuery);
    }
}
