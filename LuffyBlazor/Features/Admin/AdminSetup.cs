using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Admin.Demo;
using LuffyBlazor.Features.Admin.Orders;

namespace LuffyBlazor.Features.Admin;

public static class AdminSetup
{
    public static void AddAdmin(this IHostApplicationBuilder builder) => builder.Services.AddAdminServices();

    /// <summary>The back office's services (component tests add them to their own container).</summary>
    public static IServiceCollection AddAdminServices(this IServiceCollection services)
    {
        services.AddScoped<AdminActors>();
        services.AddScoped<AdminAuditLog>();

        services.AddScoped<OrderRefunds>();

        services.AddScoped<DemoDataSeeder>();
        return services;
    }
}
