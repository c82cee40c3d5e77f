using LuffyBlazor.Data;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.Simulator;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>Shortcuts into a running test app: learners, orders, and a look at the database.</summary>
public static class AppScenarios
{
    public const string LearnerPassword = "learner-pass-1";

    /// <summary>Creates a learner (unique name with the given prefix) and returns (user id, user name).</summary>
    public static async Task<(string Id, string UserName)> CreateLearnerAsync(this LuffyAppFactory app, string prefix = "learner")
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var name = $"{prefix}{Guid.NewGuid().ToString("N")[..8]}";
        var user = new ApplicationUser { UserName = name, Email = $"{name}@example.com" };
        var result = await users.CreateAsync(user, LearnerPassword);
        Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Description)));
        return (user.Id, name);
    }

    public static async Task<Order> PlaceOrderAsync(this LuffyAppFactory app, string userId, params int[] courseIds)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<OrderService>().PlaceOrderAsync(userId, courseIds);
        Assert.True(result.Succeeded, result.Error);
        return result.Order!;
    }

    /// <summary>
    /// A freshly placed order put straight into <paramref name="status"/> (paid minutes ago when paid, with
    /// <paramref name="refunded"/> back, its deadline <paramref name="expiresIn"/> from now when given): how a page
    /// shows an order in that state, without walking it there.
    /// </summary>
    public static async Task<Order> OrderInStateAsync(
        this LuffyAppFactory app, string userId, int course, OrderStatus status, decimal refunded = 0, TimeSpan? expiresIn = null)
    {
        var order = await app.PlaceOrderAsync(userId, course);
        var paidAt = status is OrderStatus.Paid or OrderStatus.Refunded ? DateTime.UtcNow.AddMinutes(-3) : (DateTime?)null;
        var expiresAt = expiresIn is { } left ? DateTime.UtcNow + left : order.ExpiresAt;
        await app.QueryAsync(db => db.Orders.Where(o => o.Id == order.Id).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.Status, status).SetProperty(o => o.PayTime, paidAt).SetProperty(o => o.RefundedAmount, refunded)
            .SetProperty(o => o.ExpiresAt, expiresAt)));
        return order;
    }

    public static async Task<T> QueryAsync<T>(this LuffyAppFactory app, Func<LuffyDbContext, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<LuffyDbContext>());
    }

    /// <summary>A look at the Alipay simulator's own database (its trades, notifies and attempts).</summary>
    public static async Task<T> QuerySimulatorAsync<T>(this LuffyAppFactory app, Func<SimulatorDbContext, Task<T>> query)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<SimulatorDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public static Task<Order> OrderAsync(this LuffyAppFactory app, string outTradeNo) =>
        app.QueryAsync(db => db.Orders.AsNoTracking().Include(o => o.Details).SingleAsync(o => o.OutTradeNo == outTradeNo));

    /// <summary>
    /// Waits (up to 15 s) until the order satisfies <paramref name="condition"/>: callbacks such as notifies arrive
    /// asynchronously, a moment after the action that caused them.
    /// </summary>
    public static async Task<Order> WaitForAsync(this LuffyAppFactory app, string outTradeNo, Func<Order, bool> condition, double seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var order = await app.OrderAsync(outTradeNo);
            if (condition(order))
            {
                return order;
            }

            Assert.True(DateTime.UtcNow < deadline, $"order {outTradeNo} is still {order.Status} (refunded {order.RefundedAmount}) after {seconds} s");
            await Task.Delay(50);
        }
    }

    public static Task<Order> WaitForStatusAsync(this LuffyAppFactory app, string outTradeNo, OrderStatus status) =>
        app.WaitForAsync(outTradeNo, o => o.Status == status);

    /// <summary>A cookie-carrying client logged in as the learner through the real log-in page.</summary>
    public static async Task<HttpClient> BrowserForAsync(this LuffyAppFactory app, string userName)
    {
        var client = app.CreateClient();
        await client.LoginThroughPageAsync(userName, LearnerPassword);
        return client;
    }

    /// <summary>
    /// A client (not following redirects) whose requests come from <paramref name="address"/>, as nginx reports it in
    /// <c>X-Forwarded-For</c>: the app must have <c>ForwardedHeaders_Enabled</c> set.
    /// </summary>
    public static HttpClient ClientFrom(this LuffyAppFactory app, string address)
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }
}
