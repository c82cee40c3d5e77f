using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LuffyBlazor.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AdminBackOffice : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OrderDetails_CourseId",
                table: "OrderDetails");

            migrationBuilder.CreateTable(
                name: "AdminAuditEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AdminId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    AdminName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    Succeeded = table.Column<bool>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AdminAuditEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OrderRefunds",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrderId = table.Column<int>(type: "INTEGER", nullable: false),
                    OutRequestNo = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    RequestedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RefundedTotal = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OrderRefunds", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OrderRefunds_Orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "Orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Orders_CreatedAt_Status_TotalAmount_RefundedAmount",
                table: "Orders",
                columns: new[] { "CreatedAt", "Status", "TotalAmount", "RefundedAmount" });

            migrationBuilder.CreateIndex(
                name: "IX_Orders_PaidAfterClose",
                table: "Orders",
                columns: new[] { "CreatedAt", "Status", "TotalAmount", "RefundedAmount" },
                filter: "\"PaidAfterClose\"");

            migrationBuilder.CreateIndex(
                name: "IX_Orders_PayTime_Status_TotalAmount_RefundedAmount",
                table: "Orders",
                columns: new[] { "PayTime", "Status", "TotalAmount", "RefundedAmount" });

            migrationBuilder.CreateIndex(
                name: "IX_Orders_Status_CreatedAt_TotalAmount_RefundedAmount",
                table: "Orders",
                columns: new[] { "Status", "CreatedAt", "TotalAmount", "RefundedAmount" });

            migrationBuilder.CreateIndex(
                name: "IX_Orders_TotalAmount",
                table: "Orders",
                column: "TotalAmount");

            migrationBuilder.CreateIndex(
                name: "IX_OrderDetails_CourseId_OrderId",
                table: "OrderDetails",
                columns: new[] { "CourseId", "OrderId" });

            migrationBuilder.CreateIndex(
                name: "IX_NotifyLogs_ReceivedAt",
                table: "NotifyLogs",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_AdminAuditEntries_Target_Id",
                table: "AdminAuditEntries",
                columns: new[] { "Target", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_OrderRefunds_OnePendingPerOrder",
                table: "OrderRefunds",
                column: "OrderId",
                unique: true,
                filter: "\"Status\" = 0");

            migrationBuilder.CreateIndex(
                name: "IX_OrderRefunds_OrderId",
                table: "OrderRefunds",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_OrderRefunds_OutRequestNo",
                table: "OrderRefunds",
                column: "OutRequestNo",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AdminAuditEntries");

            migrationBuilder.DropTable(
                name: "OrderRefunds");

            migrationBuilder.DropIndex(
                name: "IX_Orders_CreatedAt_Status_TotalAmount_RefundedAmount",
                table: "Orders");

            migrationBuilder.DropIndex(
                name: "IX_Orders_PaidAfterClose",
                table: "Orders");

            migrationBuilder.DropIndex(
                name: "IX_Orders_PayTime_Status_TotalAmount_RefundedAmount",
                table: "Orders");

            migrationBuilder.DropIndex(
                name: "IX_Orders_Status_CreatedAt_TotalAmount_RefundedAmount",
                table: "Orders");

            migrationBuilder.DropIndex(
                name: "IX_Orders_TotalAmount",
                table: "Orders");

            migrationBuilder.DropIndex(
                name: "IX_OrderDetails_CourseId_OrderId",
                table: "OrderDetails");

            migrationBuilder.DropIndex(
                name: "IX_NotifyLogs_ReceivedAt",
                table: "NotifyLogs");

            migrationBuilder.CreateIndex(
                name: "IX_OrderDetails_CourseId",
                table: "OrderDetails",
                column: "CourseId");
        }
    }
}
