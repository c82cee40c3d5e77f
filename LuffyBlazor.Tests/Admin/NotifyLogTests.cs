using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using LuffyBlazor.Features.Admin.Notifies;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LuffyBlazor.Tests.Admin;

/// <summary>The notify log as admins read it: real notifies posted to the app, then filtered and shown.</summary>
public sealed class NotifyLogTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    [Fact]
    public async Task Notifies_are_filtered_by_verdict_and_order_and_shown_with_the_signature_shortened()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, 11);
        var notify = app.CreateClient();
        Assert.Equal("success", await notify.PostNotifyAsync(NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed()));
        var forged = NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed();
        forged["total_amount"] = "0.01";
        Assert.Equal("failure", await notify.PostNotifyAsync(forged));

        var (rows, total) = await app.WithAsync<NotifyLogQuery, (IReadOnlyList<NotifyRow>, int)>(
            q => q.PageAsync(new NotifyFilter(NotifyVerdict.Rejected, order.OutTradeNo[..20].ToLowerInvariant()), 0, 20));
        var forOrder = await app.WithAsync<NotifyLogQuery, IReadOnlyList<NotifyRow>>(q => q.ForOrderAsync(order.OutTradeNo));

        var rejected = Assert.Single(rows);
        Assert.Equal(1, total);
        Assert.Contains("signature", rejected.Reason);
        Assert.Equal([NotifyVerdict.Accepted, NotifyVerdict.Rejected], forOrder.Select(n => n.Verdict));
        var parameters = rejected.Parameters;
        Assert.Equal("0.01", parameters["total_amount"]);
        Assert.Equal(NotifyParameters.ShortenSignature(forged["sign"]), parameters["sign"]);
        Assert.Matches(@"^.{12}….{8} \(\d+ 字符\)$", parameters["sign"]);
        Assert.Equal(parameters.Keys.Order(StringComparer.Ordinal), parameters.Keys);
    }

    [Fact]
    public async Task The_notify_api_returns_parameters_and_refuses_a_bad_verdict()
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await browser.LoginThroughPageAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);
        Assert.Equal("failure", await app.CreateClient().PostNotifyAsync(new Dictionary<string, string> { ["out_trade_no"] = "GARBAGE1", ["sign"] = "x" }));

        var (code, body) = await browser.GetJsonAsync("/api/v1/admin/notifies/?verdict=2&out_trade_no=GARBAGE1");
        var (bad, _) = await browser.GetJsonAsync("/api/v1/admin/notifies/?verdict=rejected");

        Assert.Equal(HttpStatusCode.OK, code);
        var item = body.GetProperty("data").GetProperty("notifies")[0];
        Assert.Equal("GARBAGE1", item.GetProperty("out_trade_no").GetString());
        Assert.Equal(2, item.GetProperty("verdict").GetInt32());
        Assert.Equal("x", item.GetProperty("parameters").GetProperty("sign").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, bad);
    }

    [Fact]
    public async Task The_order_api_shows_the_orders_notifies_with_the_signature_shortened_as_the_notify_api_does()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, 12);
        var paid = NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed();
        Assert.Equal("success", await app.CreateClient().PostNotifyAsync(paid));
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await browser.LoginThroughPageAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);

        using var response = await browser.GetAsync($"/api/v1/admin/orders/{order.OutTradeNo}/");
        var text = await response.Content.ReadAsStringAsync();
        var (_, log) = await browser.GetJsonAsync($"/api/v1/admin/notifies/?out_trade_no={order.OutTradeNo}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(text);
        var shown = document.RootElement.GetProperty("data").GetProperty("notifies")[0].GetProperty("parameters");
        // Read back without JSON's escapes (a signature's '+' is written \u002B), to look for the whole signature.
        var unescaped = JsonSerializer.Serialize(document.RootElement, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Equal(NotifyParameters.ShortenSignature(paid["sign"]), shown.GetProperty("sign").GetString());
        Assert.Equal(paid["trade_no"], shown.GetProperty("trade_no").GetString());
        Assert.DoesNotContain(paid["sign"], unescaped);
        Assert.Contains(paid["trade_no"], unescaped);
        Assert.Equal(shown.GetProperty("sign").GetString(),
            log.GetProperty("data").GetProperty("notifies")[0].GetProperty("parameters").GetProperty("sign").GetString());
    }

    [Theory]
    [InlineData("short", "short")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "ABCDEFGHIJKL…23456789 (36 字符)")]
    public void Signatures_are_cut_to_their_ends(string sign, string shown) => Assert.Equal(shown, NotifyParameters.ShortenSignature(sign));

    [Fact]
    public void A_log_entry_that_is_not_json_is_shown_as_unreadable_not_thrown()
    {
        var shown = Assert.Single(NotifyParameters.Read("{\"out_trade_no\":\"X\",\"sign\":\"abc"));
        Assert.Equal("(无法解析)", shown.Key);
    }
}
