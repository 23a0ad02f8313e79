"""Texts of signing in and out, of the area a user may see, and of the audit log."""

TEXTS: dict[str, dict[str, str]] = {
    "signin_title": {"vi": "Đăng nhập", "en": "Sign in"},
    "signin_intro": {
        "vi": "Hệ thống phục vụ Ban Chỉ đạo và các Trung tâm Y tế huyện. Đăng nhập bằng tài "
        "khoản được cấp.",
        "en": "For the steering committee and the district health centres. Sign in with the "
        "account you were given.",
    },
    "signin_name": {"vi": "Tên đăng nhập", "en": "User name"},
    "signin_password": {"vi": "Mật khẩu", "en": "Password"},
    "signin_submit": {"vi": "Đăng nhập", "en": "Sign in"},
    "signin_failed": {
        "vi": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "en": "The user name or the password is not right.",
    },
    "signin_locked": {
        "vi": "Đăng nhập sai quá nhiều lần. Hãy thử lại sau {minutes} phút hoặc nhờ quản trị "
        "viên đặt lại mật khẩu.",
        "en": "Too many failed sign-ins. Try again in {minutes} minutes or ask an "
        "administrator to reset the password.",
    },
    "signin_expired": {
        "vi": "Phiên làm việc đã hết hạn sau {minutes} phút không thao tác. Hãy đăng nhập lại.",
        "en": "The session ended after {minutes} minutes without activity. Please sign in again.",
    },
    "signin_signed_out": {"vi": "Đã đăng xuất.", "en": "Signed out."},
    "signin_ended": {
        "vi": "Phiên làm việc đã kết thúc (đã đăng xuất ở thẻ khác hoặc tài khoản đã thay đổi). "
        "Hãy đăng nhập lại.",
        "en": "The session has ended (signed out in another tab, or the account was changed). "
        "Please sign in again.",
    },
    "signin_provider": {
        "vi": "Đăng nhập bằng tài khoản của tỉnh",
        "en": "Sign in with the province's account",
    },
    "signin_provider_unknown": {
        "vi": "Tài khoản {name} chưa được cấp quyền xem hệ thống. Hãy liên hệ quản trị viên.",
        "en": "The account {name} has no access to this system yet. Please contact an "
        "administrator.",
    },
    "signin_no_warehouse": {
        "vi": "Chưa thể đăng nhập: kho dữ liệu chưa sẵn sàng.",
        "en": "Signing in is not possible yet: the warehouse is not ready.",
    },
    "signed_in_as": {
        "vi": "Đăng nhập: **{name}** ({role})",
        "en": "Signed in: **{name}** ({role})",
    },
    "role_province": {"vi": "cấp tỉnh", "en": "province"},
    "role_district": {"vi": "cấp huyện: {area}", "en": "district: {area}"},
    "role_viewer": {"vi": "chỉ xem: {area}", "en": "viewer: {area}"},
    "sign_out": {"vi": "Đăng xuất", "en": "Sign out"},
    "auth_off_banner": {
        "vi": "ĐANG TẮT ĐĂNG NHẬP (VAX_AUTH=off): chỉ dùng khi phát triển trên máy cá nhân. "
        "Mọi người truy cập được đều xem được toàn tỉnh.",
        "en": "SIGN-IN IS OFF (VAX_AUTH=off): for local development only. Anyone who can "
        "reach this address sees the whole province.",
    },
    "notice_outside": {
        "vi": "Mã {value} nằm ngoài phạm vi được phép của tài khoản — đang hiển thị {shown}",
        "en": "Code {value} is outside the area your account may see — showing {shown}",
    },
    "refused": {
        "vi": "Yêu cầu này nằm ngoài phạm vi được phép của tài khoản và đã bị từ chối.",
        "en": "This request is outside the area your account may see and was refused.",
    },
    "page_refused": {
        "vi": "Trang này chỉ dành cho tài khoản cấp tỉnh.",
        "en": "This page is for province accounts only.",
    },
    "province_context_title": {"vi": "So với toàn tỉnh", "en": "Against the whole province"},
    "province_context_coverage": {
        "vi": "Độ bao phủ ({measure}) toàn tỉnh",
        "en": "Province coverage ({measure})",
    },
    "province_context_doses": {"vi": "Số mũi tiêm toàn tỉnh", "en": "Province doses"},
    "province_context_rank_coverage": {
        "vi": "Xếp hạng độ bao phủ của huyện",
        "en": "The district's coverage rank",
    },
    "province_context_rank_doses": {
        "vi": "Xếp hạng số mũi tiêm của huyện",
        "en": "The district's doses rank",
    },
    "province_context_rank": {"vi": "{rank}/{of}", "en": "{rank} of {of}"},
    "province_context_note": {
        "vi": "Toàn tỉnh chỉ hiển thị tổng số và thứ hạng của huyện trong {of} huyện, thành phố.",
        "en": "The province is shown only as its totals and the district's rank among {of} "
        "districts.",
    },
    "audit_title": {"vi": "Nhật ký truy cập", "en": "Access log"},
    "audit_caption": {
        "vi": "Đăng nhập, đăng nhập sai, đăng xuất, tệp và dữ liệu đã tải, yêu cầu bị từ chối "
        "(mới nhất trước; {n} dòng gần nhất).",
        "en": "Sign-ins, failed sign-ins, sign-outs, files and data downloaded, refused "
        "requests (newest first; the last {n} rows).",
    },
    "audit_col_at": {"vi": "Thời điểm", "en": "When"},
    "audit_col_user_name": {"vi": "Người dùng", "en": "User"},
    "audit_col_event": {"vi": "Sự kiện", "en": "Event"},
    "audit_col_what": {"vi": "Nội dung", "en": "What"},
    "audit_col_scope_code": {"vi": "Phạm vi", "en": "Scope"},
    "audit_event_sign_in": {"vi": "đăng nhập", "en": "signed in"},
    "audit_event_sign_in_failed": {"vi": "đăng nhập sai", "en": "failed sign-in"},
    "audit_event_sign_in_locked": {"vi": "bị khóa tạm thời", "en": "locked out"},
    "audit_event_sign_out": {"vi": "đăng xuất", "en": "signed out"},
    "audit_event_session_expired": {"vi": "hết phiên", "en": "session expired"},
    "audit_event_session_resumed": {"vi": "tiếp tục phiên", "en": "session resumed"},
    "audit_event_password_reset": {"vi": "đặt lại mật khẩu", "en": "password reset"},
    "audit_event_export": {"vi": "tải dữ liệu", "en": "export"},
    "audit_event_refused": {"vi": "bị từ chối", "en": "refused"},
}
