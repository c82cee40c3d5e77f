using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Admin.Courses;
using LuffyBlazor.Features.Admin.Dashboard;
using LuffyBlazor.Features.Admin.Demo;
using LuffyBlazor.Features.Admin.Notifies;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Admin.PaymentKeys;
using LuffyBlazor.Features.Admin.Reconciliation;
using LuffyBlazor.Features.Admin.Users;
using Microsoft.AspNetCore.Authorization;

namespace LuffyBlazor.Features.Admin;

public static class AdminSetup
{
    public static void AddAdmin(this IHostApplicationBuilder builder) => builder.Services.AddAdminServices();

    /// <summary>The back office's services (component tests add them to their own container).</summary>
    public static IServiceCollection AddAdminServices(this IServiceCollection services)
    {
        services.AddScoped<AdminActors>();
        services.AddScoped<IAuthorizationHandler, CurrentAdminHandler>();
        services.AddScoped<AdminAuditLog>();
        services.AddScoped<DashboardQueries>();

        services.AddScoped<OrderGridQuery>();
        services.AddScoped<OrderCsvExport>();
        services.AddScoped<AdminOrderDetails>();
        services.AddScoped<AdminOrderActions>();
        services.AddScoped<AdminRefunds>();
        services.AddScoped<NotifyLogQuery>();
        services.AddScoped<AdminReconciliation>();
        services.AddScoped<PaymentKeysStatus>();

        services.AddScoped<CourseAdmin>();
        services.AddScoped<CourseContentAdmin>();

        services.AddScoped<UserAdmin>();

        services.AddScoped<DemoDataSeeder>();
        return services;
    }

    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        app.MapAdminApi();
        return app;
    }
}
