using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Orders.Reconciliation;
using LuffyBlazor.Features.Payments;

namespace LuffyBlazor.Features.Orders;

public static class OrdersSetup
{
    public static void AddOrders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OrderOptions>().BindConfiguration(OrderOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.PaymentTimeout >= TimeSpan.FromMinutes(2) && o.PaymentTimeout <= TimeSpan.FromDays(15),
                "Orders:PaymentTimeout must be between 00:02:00 and 15.00:00:00 (Alipay's limits).")
            .Validate(o => o.SweepInterval >= TimeSpan.FromSeconds(1), "Orders:SweepInterval must be at least one second.")
            .ValidateOnStart();

        builder.Services.AddSingleton<NotifyOrderLookup>();
        builder.Services.AddScoped<OrderService>();
        builder.Services.AddScoped<Checkout>();
        builder.Services.AddScoped<WeChatCheckout>();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<WeChatCodeUrls>();
        builder.Services.AddScoped<BrowserCheckout>();
        builder.Services.AddScoped<PayAgain>();
        builder.Services.AddScoped<PayTypeSwitch>();
        builder.Services.AddScoped<PurchaseLogIn>();
        builder.Services.AddScoped<OrderTransitions>();
        builder.Services.AddScoped<PaymentReconciliation>();
        builder.Services.AddScoped<OrderQueries>();
        builder.Services.AddSingleton<UnpaidOrderWatch>();
        builder.Services.AddScoped<Cart>();
        builder.Services.AddScoped<OrderTimeoutSweep>();
        builder.Services.AddScoped<IPaymentNotifyHandler, PaymentNotifyHandler>();
        builder.Services.AddScoped<OrderRefunds>();
        builder.Services.AddScoped<AlipayTradeLookup>();
        builder.Services.AddScoped<IPaymentTrades, AlipayTrades>();
        builder.Services.AddScoped<IPaymentTrades, WeChatTrades>();
        builder.Services.AddScoped<PaymentTradesByType>();
        builder.Services.AddSingleton<OrderWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OrderWriter>());
        builder.Services.AddSingleton<PaymentWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PaymentWriter>());
        builder.Services.AddSingleton<NotifyLogWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NotifyLogWriter>());
        builder.Services.AddOptions<NotifyFloodOptions>().BindConfiguration(NotifyFloodOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Window >= TimeSpan.FromSeconds(1), "RateLimiting:Notify:Window must be at least one second.")
            .Validate(o => o.FlushInterval >= TimeSpan.FromSeconds(1) && o.FlushInterval <= TimeSpan.FromMinutes(1),
                "RateLimiting:Notify:FlushInterval must be between 00:00:01 and 00:01:00.")
            .ValidateOnStart();
        builder.Services.AddSingleton<NotifyFloodGuard>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NotifyFloodGuard>());
        builder.Services.AddHostedService<OrderTimeoutSweeper>();
        builder.AddStatementReconciliation();
    }
}
