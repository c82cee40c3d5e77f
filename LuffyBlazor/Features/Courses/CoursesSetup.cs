using LuffyBlazor.Data;
using LuffyBlazor.Features.Storage.Migration;

namespace LuffyBlazor.Features.Courses;

public static class CoursesSetup
{
    public static void AddCourses(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.Section);
        builder.Services.AddMemoryCache();
        builder.Services.AddCatalogueCache();
        builder.Services.AddSingleton<CourseCatalog>();
        builder.Services.AddSingleton<LessonVideos>();
        builder.Services.AddScoped<IDataSeeder, CatalogueSeeder>();
        builder.Services.AddScoped<IMediaKeySource, CourseMediaKeys>();
    }
}
