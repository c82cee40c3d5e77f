using System.Net;
using System.Security.Cryptography;
using System.Text;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders.Payments;

/// <summary>
/// The notify endpoint cannot be used to flood the notify log: what cannot be verified is logged one row each up to a
/// limit per address, then counted; what verifies is never limited.
/// </summary>
public sealed class NotifyFloodTests
{
    /// <summary>The client address a test request claims (TestServer has none of its own).</summary>
    private const string ClientIpHeader = "X-Test-Client-Ip";

    private static LuffyAppFactory App(int permitLimit) => new(new Dictionary<string, string?>(AlipayTestKeys.Settings())
    {
        ["RateLimiting:Notify:PermitLimit"] = permitLimit.ToString(),
        ["RateLimiting:Notify:Window"] = "01:00:00", // no new window opens during a test
    })
    {
        TestServices = services => services.AddTransient<IStartupFilter, ClientIpFromHeader>(),
    };

    private static async Task<string> PostAsync(HttpClient client, string ip, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/order/success/") { Content = content };
        request.Headers.Add(ClientIpHeader, ip);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static Task<string> PostFormAsync(HttpClient client, string ip, IDictionary<string, string> form) =>
        PostAsync(client, ip, new FormUrlEncodedContent(form));

    /// <summary>A forged payment for a real order (signed by a stranger), or a body that is not even a form.</summary>
    private static Task<string> PostGarbageAsync(HttpClient client, string ip, Order order, int i) => i % 2 == 0
        ? PostFormAsync(client, ip, NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed(Stranger))
        : PostAsync(client, ip, new StringContent($"garbage {i}", Encoding.UTF8, "text/plain"));

    private static readonly RSA Stranger = RSA.Create(2048);

    private static Task<List<NotifyLog>> RowsFromAsync(LuffyAppFactory app, string ip) =>
        app.QueryAsync(db => db.NotifyLogs.AsNoTracking().Where(l => l.RemoteIp == ip).OrderBy(l => l.Id).ToListAsync());

    private static Task FlushAsync(LuffyAppFactory app) => app.Services.GetRequiredService<NotifyFloodGuard>().FlushAsync();

    [Fact]
    public async Task A_thousand_garbage_notifies_from_one_address_leave_a_few_rows_counting_them_all_and_a_valid_one_among_them_is_applied()
    {
        using var app = App(permitLimit: 20);
        var client = app.CreateClient();
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, 2);
        const string flooder = "198.51.100.7";

        string? valid = null;
        for (var batch = 0; batch < 50; batch++)
        {
            await Task.WhenAll(Enumerable.Range(batch * 20, 20).Select(i => PostGarbageAsync(client, flooder, order, i)));
            if (batch == 25)
            {
                valid = await PostFormAsync(client, flooder, NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed());
            }
        }

        await FlushAsync(app);

        Assert.Equal("success", valid);
        Assert.Equal(OrderStatus.Paid, (await app.OrderAsync(order.OutTradeNo)).Status);
        var rows = await RowsFromAsync(app, flooder);
        var accepted = Assert.Single(rows, r => r.Verdict != NotifyVerdict.Rejected);
        Assert.Equal((NotifyVerdict.Accepted, "marked paid", order.OutTradeNo, 1), (accepted.Verdict, accepted.Reason, accepted.OutTradeNo, accepted.Count));
        var garbage = rows.Where(r => r.Verdict == NotifyVerdict.Rejected).ToList();
        Assert.Equal(1000, garbage.Sum(r => r.Count));
        Assert.Equal(20, garbage.Count(r => !r.Reason.StartsWith("rate limited, counted: ", StringComparison.Ordinal)));
        var counted = garbage.Where(r => r.Reason.StartsWith("rate limited, counted: ", StringComparison.Ordinal)).ToList();
        Assert.InRange(counted.Count, 2, 4); // one per reason and minute: two reasons, a minute may turn during the test
        Assert.Contains(counted, r => r.Reason.Contains("signature does not verify") && r.RawParameters.Contains(order.OutTradeNo));
        Assert.Contains(counted, r => r.Reason.Contains("is not a form"));
    }

    [Fact]
    public async Task Verified_notifies_from_a_limited_address_are_never_limited_and_other_addresses_keep_their_own_limit()
    {
        using var app = App(permitLimit: 3);
        var client = app.CreateClient();
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, 3);
        const string flooder = "203.0.113.50";
        for (var i = 0; i < 10; i++)
        {
            await PostGarbageAsync(client, flooder, order, i);
        }

        // Signed by Alipay but about an order that does not exist: rejected, and still logged one by one.
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal("failure", await PostFormAsync(client, flooder, NotifyForms.Paid("20261125000000UNKNOWN" + i, 1.00m).Signed()));
        }

        var paid = await PostFormAsync(client, flooder, NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed());
        var other = await PostAsync(client, "2001:db8:1:2::99", new StringContent("garbage", Encoding.UTF8, "text/plain"));
        await FlushAsync(app);

        Assert.Equal(("success", "failure"), (paid, other));
        var rows = await RowsFromAsync(app, flooder);
        Assert.Equal(8, rows.Count(r => r.Reason == "unknown out_trade_no" && r.Count == 1));
        Assert.Single(rows, r => r.Reason == "marked paid");
        Assert.Equal(10, rows.Where(r => r.Reason != "unknown out_trade_no" && r.Reason != "marked paid").Sum(r => r.Count));
        var fromOther = Assert.Single(await RowsFromAsync(app, "2001:db8:1:2::99"));
        Assert.Equal((1, "content type text/plain; charset=utf-8 is not a form"), (fromOther.Count, fromOther.Reason));
    }

    [Fact]
    public async Task Reasons_an_attacker_can_vary_share_one_row_beyond_a_few_per_address()
    {
        using var app = App(permitLimit: 1);
        var client = app.CreateClient();
        const string flooder = "192.0.2.77";

        for (var i = 0; i < 60; i++)
        {
            var form = NotifyForms.Paid("20261125000000ABCDEF", 1.00m);
            form["sign"] = "x";
            form["sign_type"] = "SM" + i; // "unsupported sign_type SM<i>": a reason with the sender's text in it
            await PostFormAsync(client, flooder, form);
        }

        await FlushAsync(app);

        var rows = await RowsFromAsync(app, flooder);
        Assert.Equal(60, rows.Sum(r => r.Count));
        Assert.InRange(rows.Count, 1 + NotifyFloodGuard.MaxReasonsPerAddress + 1, 2 * (NotifyFloodGuard.MaxReasonsPerAddress + 1) + 1);
        Assert.Contains(rows, r => r.Reason == "rate limited, counted: (other reasons)" && r.Count >= 60 - 1 - 2 * NotifyFloodGuard.MaxReasonsPerAddress);
    }

    [Theory]
    [InlineData("198.51.100.7", "198.51.100.7")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData(null, "unknown")]
    [InlineData("not an address", "unknown")]
    public void A_limit_applies_to_an_ipv4_address_or_an_ipv6_64(string? remoteIp, string partition)
    {
        Assert.Equal(partition, NotifyFloodGuard.Partition(remoteIp));
    }

    /// <summary>Gives each test request the client address it claims in <see cref="ClientIpHeader"/>.</summary>
    private sealed class ClientIpFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[ClientIpHeader].ToString(), out var ip))
                {
                    context.Connection.RemoteIpAddress = ip;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
