"""Administrative prose for the real-prose relevance set (``bench/search_prose.py``).

Written out by hand after the public documents of communes, districts and provinces
(thông báo, kế hoạch, quyết định, báo cáo, công văn): the programmes, places, people and
figures are of the kinds such documents carry; the sentences are written, not
generated. Each document is ``(id, type, issuer, abstract, paragraphs)``. Places and
programmes recur across documents on purpose: a query's words then stand scattered in
many documents and together, in order, in one.
"""

from __future__ import annotations

DOCUMENTS = [
    (1, "Kế hoạch", "Ủy ban nhân dân xã Tân Hòa",
     "Kế hoạch xây dựng nông thôn mới nâng cao năm 2025", [
         "Căn cứ Quyết định số 318/QĐ-TTg của Thủ tướng Chính phủ về bộ tiêu chí quốc gia "
         "về xã nông thôn mới nâng cao giai đoạn 2021-2025, Ủy ban nhân dân xã Tân Hòa xây "
         "dựng kế hoạch thực hiện năm 2025 như sau.",
         "Mục tiêu chung là giữ vững 19 tiêu chí đã đạt, phấn đấu hoàn thành các tiêu chí "
         "về thu nhập, môi trường và chất lượng cuộc sống để được công nhận xã đạt chuẩn "
         "nông thôn mới nâng cao trước ngày 30 tháng 11.",
         "Thu nhập bình quân đầu người năm 2025 phấn đấu đạt 62 triệu đồng; tỷ lệ hộ nghèo "
         "đa chiều giảm xuống dưới 1,5%.",
         "Nhân dân tiếp tục hiến đất, góp công làm đường giao thông nông thôn, kiên cố hóa "
         "kênh mương nội đồng tại các thôn Đồng Tâm, Gò Mít và Bến Đò.",
     ]),
    (2, "Báo cáo", "Ủy ban nhân dân huyện Phú Lương",
     "Báo cáo kết quả thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới", [
         "Sau năm năm triển khai, toàn huyện có 14 trên 16 xã đạt chuẩn nông thôn mới, "
         "trong đó xã Tân Hòa và xã Yên Lạc đạt chuẩn nông thôn mới nâng cao.",
         "Tổng nguồn lực huy động cho chương trình là 501.363 triệu đồng, trong đó vốn "
         "ngân sách trung ương 96.420 triệu đồng, ngân sách tỉnh 118.250 triệu đồng, "
         "phần còn lại do ngân sách huyện, xã và nhân dân đóng góp.",
         "Nhiều tuyến đường liên thôn được bê tông hóa; hệ thống trường học, trạm y tế, "
         "nhà văn hóa thôn được đầu tư đồng bộ.",
         "Tuy nhiên, một số tiêu chí chưa bền vững, nhất là tiêu chí môi trường và an toàn "
         "thực phẩm; việc thu gom, xử lý rác thải ở vùng sâu còn khó khăn.",
     ]),
    (3, "Thông báo", "Văn phòng Ủy ban nhân dân tỉnh Thái Nguyên",
     "Thông báo kết luận của Chủ tịch Ủy ban nhân dân tỉnh về chuyển đổi số", [
         "Ngày 12 tháng 3 năm 2025, đồng chí Nguyễn Văn Thành, Chủ tịch Ủy ban nhân dân "
         "tỉnh, chủ trì hội nghị trực tuyến về chuyển đổi số với các sở, ngành và Ủy ban "
         "nhân dân cấp huyện.",
         "Chủ tịch Ủy ban nhân dân tỉnh yêu cầu các đơn vị coi chuyển đổi số là nhiệm vụ "
         "trọng tâm, người đứng đầu phải trực tiếp chỉ đạo và chịu trách nhiệm về kết quả.",
         "Sở Thông tin và Truyền thông chủ trì hoàn thiện nền tảng tích hợp, chia sẻ dữ "
         "liệu cấp tỉnh, bảo đảm kết nối với Cơ sở dữ liệu quốc gia về dân cư trước ngày "
         "30 tháng 6.",
         "Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận và giải quyết trực tuyến toàn "
         "trình phải đạt ít nhất 80%.",
     ]),
    (4, "Quyết định", "Ủy ban nhân dân huyện Phú Lương",
     "Quyết định thành lập Tổ công nghệ số cộng đồng", [
         "Thành lập Tổ công nghệ số cộng đồng tại các thôn, tổ dân phố trên địa bàn huyện "
         "Phú Lương.",
         "Tổ công nghệ số cộng đồng có nhiệm vụ hướng dẫn người dân cài đặt và sử dụng ứng "
         "dụng định danh điện tử, thanh toán không dùng tiền mặt và dịch vụ công trực tuyến.",
         "Thành viên tổ gồm trưởng thôn, bí thư chi đoàn thanh niên, công an viên và một số "
         "hộ kinh doanh am hiểu công nghệ.",
         "Kinh phí hoạt động của tổ được bố trí từ nguồn ngân sách xã và các nguồn hợp "
         "pháp khác.",
     ]),
    (5, "Báo cáo", "Ủy ban nhân dân xã Yên Lạc",
     "Báo cáo tình hình kinh tế - xã hội sáu tháng đầu năm", [
         "Sáu tháng đầu năm, tổng diện tích gieo trồng vụ xuân đạt 1.250 ha, năng suất lúa "
         "ước đạt 58 tạ một héc-ta.",
         "Đàn gia súc, gia cầm phát triển ổn định, không phát sinh dịch bệnh nguy hiểm; "
         "công tác tiêm phòng vụ xuân đạt trên 90% số con trong diện tiêm.",
         "Xã tổ chức thành công ngày hội đại đoàn kết toàn dân tộc ở thôn Khe Cốc và khánh "
         "thành nhà văn hóa thôn Làng Mới.",
         "Công tác cải cách hành chính có chuyển biến; bộ phận một cửa tiếp nhận 1.812 hồ "
         "sơ, trả kết quả đúng hạn 1.809 hồ sơ.",
     ]),
    (6, "Công văn", "Ủy ban nhân dân huyện Phú Lương",
     "Về việc tăng cường công tác phòng cháy, chữa cháy rừng mùa khô", [
         "Thời tiết đang vào mùa khô hanh, nguy cơ cháy rừng ở mức cấp IV, cấp nguy hiểm, "
         "tại các xã vùng đồi.",
         "Ủy ban nhân dân huyện yêu cầu Chủ tịch Ủy ban nhân dân các xã kiểm tra phương án "
         "phòng cháy, chữa cháy rừng, bố trí lực lượng trực canh lửa 24 trên 24 giờ.",
         "Nghiêm cấm đốt nương, đốt thực bì, đốt rác dưới tán rừng trong thời gian cao "
         "điểm khô hanh.",
         "Hạt Kiểm lâm huyện phối hợp với công an xã tuần tra tại các khu rừng trồng keo "
         "của xã Tân Hòa và xã Ôn Lương.",
     ]),
    (7, "Thông báo", "Ủy ban nhân dân xã Tân Hòa",
     "Thông báo lịch tiếp công dân định kỳ của Chủ tịch Ủy ban nhân dân xã", [
         "Chủ tịch Ủy ban nhân dân xã tiếp công dân định kỳ vào ngày 15 hằng tháng tại "
         "phòng tiếp công dân ở trụ sở Ủy ban nhân dân xã.",
         "Trường hợp ngày tiếp công dân trùng ngày nghỉ, lễ, tết thì chuyển sang ngày làm "
         "việc tiếp theo.",
         "Công dân đến trình bày khiếu nại, tố cáo, kiến nghị, phản ánh mang theo căn cước "
         "và các giấy tờ có liên quan.",
         "Đồng chí Lê Thị Minh Nguyệt, công chức Văn phòng - Thống kê, được giao tiếp nhận "
         "đơn thư vào các ngày làm việc trong tuần.",
     ]),
    (8, "Kế hoạch", "Ủy ban nhân dân tỉnh Thái Nguyên",
     "Kế hoạch thực hiện Đề án 06 về phát triển ứng dụng dữ liệu dân cư", [
         "Thực hiện Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện "
         "tử phục vụ chuyển đổi số quốc gia, Ủy ban nhân dân tỉnh ban hành kế hoạch năm "
         "2025.",
         "Hoàn thành làm sạch dữ liệu hộ tịch, số hóa sổ hộ tịch lưu trữ từ năm 1945 đến "
         "nay tại các xã, phường.",
         "Công an tỉnh chủ trì cấp căn cước cho công dân, kích hoạt tài khoản định danh "
         "điện tử mức độ 2 cho người từ đủ 14 tuổi trở lên.",
         "Sở Tư pháp hướng dẫn cấp xã cập nhật dữ liệu khai sinh, khai tử, kết hôn vào "
         "phần mềm đăng ký, quản lý hộ tịch điện tử dùng chung.",
     ]),
    (9, "Báo cáo", "Phòng Tư pháp huyện Phú Lương",
     "Báo cáo kết quả số hóa sổ hộ tịch", [
         "Đến ngày 31 tháng 5, toàn huyện đã số hóa 4.215 cuốn sổ hộ tịch với 182.640 "
         "trường hợp đăng ký khai sinh, khai tử, kết hôn.",
         "Xã Ôn Lương và thị trấn Đu hoàn thành sớm nhất; xã Yên Lạc còn 36 cuốn sổ bị "
         "mục, rách, chữ mờ cần phục chế trước khi quét.",
         "Nhiều sổ đăng ký khai sinh lập trước năm 1975 viết tay, ghi thiếu ngày sinh hoặc "
         "quê quán, gây khó khăn cho việc nhập liệu.",
         "Phòng Tư pháp kiến nghị bố trí thêm kinh phí thuê nhân lực nhập liệu và kiểm tra "
         "chéo dữ liệu giữa các xã.",
     ]),
    (10, "Quyết định", "Ủy ban nhân dân huyện Phú Lương",
     "Quyết định phê duyệt danh sách hộ nghèo, hộ cận nghèo năm 2025", [
         "Phê duyệt kết quả rà soát hộ nghèo, hộ cận nghèo năm 2025 trên địa bàn huyện "
         "theo chuẩn nghèo đa chiều giai đoạn 2022-2025.",
         "Toàn huyện có 1.036 hộ nghèo, chiếm 3,12% tổng số hộ, và 1.508 hộ cận nghèo, "
         "chiếm 4,54%.",
         "Xã Khe Mo có tỷ lệ hộ nghèo cao nhất với 9,8%, chủ yếu là hộ đồng bào dân tộc "
         "thiểu số thiếu đất sản xuất.",
         "Giao Phòng Lao động - Thương binh và Xã hội theo dõi, cập nhật biến động hộ nghèo "
         "vào cơ sở dữ liệu giảm nghèo.",
     ]),
    (11, "Thông báo", "Ủy ban nhân dân thị trấn Đu",
     "Thông báo thu hồi đất thực hiện dự án đường nối Quốc lộ 3", [
         "Ủy ban nhân dân thị trấn Đu thông báo thu hồi đất để thực hiện dự án đường nối "
         "Quốc lộ 3 với khu công nghiệp Sơn Cẩm.",
         "Diện tích dự kiến thu hồi là 12,6 ha, gồm đất trồng lúa, đất trồng cây lâu năm "
         "và đất ở của 87 hộ gia đình, cá nhân tại tổ dân phố Đồng Lâm.",
         "Tổ chức làm nhiệm vụ bồi thường sẽ đo đạc, kiểm đếm tài sản trên đất từ ngày 5 "
         "tháng 8.",
         "Người có đất thu hồi có trách nhiệm phối hợp, tạo điều kiện cho việc điều tra, "
         "khảo sát, đo đạc, kiểm đếm.",
     ]),
    (12, "Kế hoạch", "Ủy ban nhân dân xã Ôn Lương",
     "Kế hoạch tổ chức Ngày hội văn hóa các dân tộc", [
         "Ngày hội văn hóa các dân tộc xã Ôn Lương được tổ chức vào dịp Quốc khánh 2 tháng "
         "9 tại sân vận động trung tâm xã.",
         "Chương trình gồm hát then, đàn tính, thi giã bánh giầy, kéo co, đẩy gậy và trưng "
         "bày sản phẩm chè đặc sản của các hợp tác xã.",
         "Mỗi thôn cử một đội văn nghệ và một đội thể thao; đồng chí Hoàng Văn Páo, Phó Chủ "
         "tịch Ủy ban nhân dân xã, làm trưởng ban tổ chức.",
         "Kinh phí tổ chức dự kiến 85 triệu đồng từ ngân sách xã và nguồn xã hội hóa.",
     ]),
    (13, "Báo cáo", "Trạm Y tế xã Tân Hòa",
     "Báo cáo công tác tiêm chủng mở rộng", [
         "Trong năm, trạm y tế tổ chức 12 buổi tiêm chủng mở rộng cho trẻ em dưới một tuổi "
         "và phụ nữ có thai.",
         "Tỷ lệ trẻ được tiêm đầy đủ các loại vắc xin đạt 97,6%; không có trường hợp phản "
         "ứng nặng sau tiêm.",
         "Trạm phối hợp với trưởng thôn rà soát trẻ chưa tiêm, tiêm bù cho 23 trẻ ở thôn "
         "Gò Mít và thôn Bến Đò.",
         "Khó khăn là dây chuyền lạnh bảo quản vắc xin đã cũ, tủ lạnh thường xuyên hỏng.",
     ]),
    (14, "Công văn", "Sở Tài nguyên và Môi trường tỉnh Thái Nguyên",
     "Về việc thu gom, xử lý rác thải sinh hoạt ở nông thôn", [
         "Lượng rác thải sinh hoạt ở khu vực nông thôn tăng nhanh, nhiều nơi đổ rác ra ven "
         "đường, bờ sông, gây ô nhiễm môi trường.",
         "Sở đề nghị Ủy ban nhân dân các huyện hướng dẫn người dân phân loại rác tại nguồn, "
         "xử lý rác hữu cơ bằng ủ phân tại hộ gia đình.",
         "Các xã chưa có điểm tập kết rác đạt yêu cầu cần rà soát quỹ đất, xây dựng điểm "
         "tập kết có mái che và tường bao.",
         "Việc thu giá dịch vụ thu gom rác thực hiện theo Quyết định của Ủy ban nhân dân "
         "tỉnh.",
     ]),
    (15, "Quyết định", "Ủy ban nhân dân xã Tân Hòa",
     "Quyết định công nhận thôn đạt chuẩn khu dân cư kiểu mẫu", [
         "Công nhận thôn Đồng Tâm, xã Tân Hòa đạt chuẩn khu dân cư nông thôn mới kiểu mẫu "
         "năm 2024.",
         "Thôn Đồng Tâm có 100% đường thôn được bê tông hóa, có đèn chiếu sáng, hàng rào "
         "xanh và cột cờ ở cổng mỗi nhà.",
         "Ông Trần Đức Lộc, trưởng thôn Đồng Tâm, được tặng giấy khen vì có thành tích xuất "
         "sắc trong phong trào.",
         "Thôn được thưởng một công trình phúc lợi trị giá 200 triệu đồng.",
     ]),
    (16, "Thông báo", "Phòng Giáo dục và Đào tạo huyện Phú Lương",
     "Thông báo tuyển sinh vào lớp 6 năm học 2025-2026", [
         "Tuyển sinh vào lớp 6 các trường trung học cơ sở theo phương thức xét tuyển, căn "
         "cứ kết quả học tập ở tiểu học.",
         "Học sinh nộp hồ sơ trực tuyến trên cổng tuyển sinh đầu cấp hoặc trực tiếp tại "
         "trường từ ngày 1 đến ngày 10 tháng 7.",
         "Trường Trung học cơ sở Yên Lạc tuyển 180 học sinh, chia thành 5 lớp.",
         "Học sinh là con thương binh, con liệt sĩ, người dân tộc thiểu số ở thôn đặc biệt "
         "khó khăn được ưu tiên khi xét tuyển.",
     ]),
    (17, "Báo cáo", "Ủy ban nhân dân xã Ôn Lương",
     "Báo cáo kết quả phát triển vùng chè đặc sản", [
         "Diện tích chè toàn xã đạt 640 ha, trong đó 215 ha được chứng nhận sản xuất theo "
         "tiêu chuẩn VietGAP.",
         "Sản lượng chè búp tươi năm nay ước đạt 7.850 tấn, giá bán bình quân tăng 12% so "
         "với năm trước.",
         "Hợp tác xã chè Hoàng Bình có hai sản phẩm đạt chứng nhận OCOP 4 sao, được bày bán "
         "tại các siêu thị ở Hà Nội.",
         "Xã khuyến khích người dân thay thế giống chè cũ bằng giống chè lai có năng suất, "
         "chất lượng cao.",
     ]),
    (18, "Kế hoạch", "Ủy ban nhân dân huyện Phú Lương",
     "Kế hoạch cải cách hành chính năm 2025", [
         "Kế hoạch tập trung cải cách thủ tục hành chính, cải cách tổ chức bộ máy, xây "
         "dựng chính quyền điện tử và chính quyền số.",
         "Rà soát, đơn giản hóa ít nhất 20% thủ tục hành chính thuộc thẩm quyền giải quyết "
         "của cấp huyện và cấp xã.",
         "Bộ phận một cửa cấp huyện và cấp xã thực hiện số hóa hồ sơ, kết quả giải quyết "
         "thủ tục hành chính ngay khi tiếp nhận.",
         "Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính phấn đấu "
         "đạt trên 90%.",
     ]),
    (19, "Thông báo", "Ủy ban nhân dân xã Khe Mo",
     "Thông báo về việc niêm yết công khai danh sách hộ được hỗ trợ nhà ở", [
         "Thực hiện chương trình xóa nhà tạm, nhà dột nát, xã Khe Mo niêm yết công khai danh "
         "sách 42 hộ được hỗ trợ xây mới, sửa chữa nhà ở.",
         "Mức hỗ trợ xây mới là 60 triệu đồng một hộ, sửa chữa là 30 triệu đồng một hộ.",
         "Danh sách được niêm yết tại trụ sở xã và nhà văn hóa các thôn trong thời gian "
         "mười ngày.",
         "Mọi ý kiến thắc mắc, khiếu nại gửi về bà Đinh Thị Hậu, công chức Văn hóa - Xã "
         "hội, để tổng hợp báo cáo.",
     ]),
    (20, "Quyết định", "Ủy ban nhân dân tỉnh Thái Nguyên",
     "Quyết định phê duyệt quy hoạch chung đô thị Giang Tiên", [
         "Phê duyệt đồ án quy hoạch chung đô thị Giang Tiên, huyện Phú Lương đến năm 2040.",
         "Phạm vi lập quy hoạch gồm toàn bộ thị trấn Giang Tiên và một phần xã Phấn Mễ, với "
         "tổng diện tích 2.135 ha.",
         "Đến năm 2040, dân số đô thị dự báo khoảng 28.000 người, trở thành đô thị loại IV.",
         "Khu vực phía bắc phát triển công nghiệp chế biến, khu vực phía nam phát triển dân "
         "cư, thương mại và dịch vụ.",
     ]),
    (21, "Báo cáo", "Công an xã Tân Hòa",
     "Báo cáo tình hình an ninh trật tự quý III", [
         "Trong quý, tình hình an ninh chính trị trên địa bàn xã ổn định, không xảy ra vụ "
         "việc phức tạp.",
         "Xảy ra hai vụ trộm cắp tài sản tại thôn Bến Đò, công an xã đã phối hợp làm rõ, "
         "thu hồi tài sản trả cho người bị hại.",
         "Công an xã tổ chức tuyên truyền phòng chống lừa đảo qua mạng cho hội viên Hội "
         "Phụ nữ và Hội Người cao tuổi.",
         "Tổ an ninh trật tự cơ sở duy trì tuần tra ban đêm tại các tuyến đường liên thôn.",
     ]),
    (22, "Công văn", "Ủy ban nhân dân huyện Phú Lương",
     "Về việc chuẩn bị các điều kiện ứng phó với bão số 3", [
         "Theo Trung tâm Dự báo khí tượng thủy văn quốc gia, bão số 3 có khả năng ảnh hưởng "
         "trực tiếp đến khu vực trong hai ngày tới, gây mưa rất to.",
         "Chủ tịch Ủy ban nhân dân các xã, thị trấn kiểm tra, sơ tán dân ở vùng có nguy cơ "
         "sạt lở đất, lũ quét.",
         "Không để người dân đi qua ngầm tràn, đập tràn khi có nước chảy xiết.",
         "Phòng Nông nghiệp và Phát triển nông thôn theo dõi mực nước các hồ chứa, nhất là "
         "hồ Núi Cốc và hồ Khe Quân.",
     ]),
    (23, "Kế hoạch", "Hội Liên hiệp Phụ nữ huyện Phú Lương",
     "Kế hoạch hỗ trợ phụ nữ khởi nghiệp", [
         "Hội Liên hiệp Phụ nữ huyện tổ chức các lớp tập huấn kỹ năng khởi nghiệp, quản lý "
         "tài chính hộ gia đình cho hội viên.",
         "Mỗi năm hỗ trợ ít nhất 15 ý tưởng khởi nghiệp của phụ nữ, ưu tiên các sản phẩm từ "
         "chè, dược liệu và nông sản sạch.",
         "Chị Nông Thị Thu Hà ở xã Khe Mo, chủ cơ sở sản xuất miến dong, được chọn chia sẻ "
         "kinh nghiệm tại hội nghị.",
         "Hội phối hợp với Ngân hàng Chính sách xã hội giải ngân vốn vay ưu đãi cho hội viên "
         "có dự án khả thi.",
     ]),
    (24, "Thông báo", "Ủy ban nhân dân xã Phấn Mễ",
     "Thông báo kết quả bầu trưởng thôn nhiệm kỳ 2025-2027", [
         "Hội nghị cử tri các thôn đã bầu trưởng thôn nhiệm kỳ 2025-2027 đúng quy định.",
         "Ông Nguyễn Văn Thành trúng cử trưởng thôn Làng Mới với 92% số phiếu bầu.",
         "Bà Lương Thị Mai trúng cử trưởng thôn Đồng Lâm với 87% số phiếu bầu.",
         "Ủy ban nhân dân xã sẽ ra quyết định công nhận trưởng thôn trong thời hạn năm ngày "
         "làm việc.",
     ]),
    (25, "Báo cáo", "Ủy ban nhân dân huyện Phú Lương",
     "Báo cáo tình hình giải ngân vốn đầu tư công", [
         "Tổng kế hoạch vốn đầu tư công năm 2025 của huyện là 386.540 triệu đồng.",
         "Đến hết tháng 9, giá trị giải ngân đạt 214.870 triệu đồng, bằng 55,6% kế hoạch.",
         "Một số dự án chậm giải ngân do vướng mắc giải phóng mặt bằng, nhất là dự án đường "
         "nối Quốc lộ 3 qua thị trấn Đu.",
         "Ủy ban nhân dân huyện yêu cầu chủ đầu tư cam kết tiến độ, giải ngân hết vốn trước "
         "ngày 31 tháng 1 năm sau.",
     ]),
    (26, "Quyết định", "Ủy ban nhân dân xã Yên Lạc",
     "Quyết định khen thưởng phong trào toàn dân bảo vệ an ninh Tổ quốc", [
         "Tặng giấy khen cho 5 tập thể và 12 cá nhân có thành tích xuất sắc trong phong "
         "trào toàn dân bảo vệ an ninh Tổ quốc.",
         "Tập thể thôn Khe Cốc đã phát hiện, tố giác hai đối tượng vận chuyển trái phép "
         "chất ma túy.",
         "Cá nhân ông Đỗ Văn Quyết, công an viên, đã dũng cảm cứu người bị đuối nước tại "
         "suối Khe Cốc.",
         "Mức thưởng thực hiện theo quy định của Luật Thi đua, khen thưởng.",
     ]),
    (27, "Công văn", "Sở Nội vụ tỉnh Thái Nguyên",
     "Về việc sắp xếp đơn vị hành chính cấp xã", [
         "Thực hiện nghị quyết của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính "
         "cấp huyện, cấp xã, Sở Nội vụ hướng dẫn xây dựng đề án.",
         "Các xã chưa đạt tiêu chuẩn về diện tích tự nhiên và quy mô dân số phải sắp xếp, "
         "sáp nhập với xã liền kề.",
         "Việc lấy ý kiến cử tri về đề án sắp xếp phải hoàn thành trước ngày 20 tháng 4.",
         "Hồ sơ, tài liệu lưu trữ của các xã sau sắp xếp được bàn giao đầy đủ cho đơn vị "
         "hành chính mới.",
     ]),
    (28, "Kế hoạch", "Ủy ban nhân dân xã Tân Hòa",
     "Kế hoạch chỉnh lý tài liệu lưu trữ tồn đọng", [
         "Kho lưu trữ của xã còn khoảng 35 mét giá tài liệu hành chính tồn đọng từ năm 2005 "
         "đến năm 2020 chưa được chỉnh lý.",
         "Xã thuê đơn vị có chức năng chỉnh lý tài liệu, phân loại, lập hồ sơ, xác định "
         "thời hạn bảo quản và lập mục lục hồ sơ.",
         "Tài liệu hết giá trị được lập danh mục, trình Hội đồng xác định giá trị tài liệu "
         "xem xét tiêu hủy.",
         "Bà Lê Thị Minh Nguyệt chịu trách nhiệm giám sát, nghiệm thu kết quả chỉnh lý.",
     ]),
    (29, "Báo cáo", "Phòng Lao động - Thương binh và Xã hội huyện Phú Lương",
     "Báo cáo kết quả chi trả trợ cấp xã hội hằng tháng", [
         "Trong quý, toàn huyện chi trả trợ cấp xã hội hằng tháng cho 5.624 đối tượng bảo "
         "trợ xã hội với tổng kinh phí 11.936 triệu đồng.",
         "Việc chi trả qua tài khoản ngân hàng được mở rộng, chiếm 38% số đối tượng.",
         "Người cao tuổi từ đủ 75 tuổi trở lên không có lương hưu được hưởng trợ cấp theo "
         "quy định mới.",
         "Một số đối tượng chuyển nơi cư trú chưa được điều chỉnh kịp thời, dẫn đến chi trả "
         "chậm.",
     ]),
    (30, "Thông báo", "Ủy ban nhân dân thị trấn Giang Tiên",
     "Thông báo tạm dừng cấp nước để sửa chữa đường ống", [
         "Công ty Cổ phần Nước sạch thông báo tạm dừng cấp nước để sửa chữa đường ống chính "
         "trên phố Mỏ Sắt.",
         "Thời gian tạm dừng từ 8 giờ đến 17 giờ ngày 14 tháng 10.",
         "Các hộ dân thuộc tổ dân phố Giang Tiên 2, Giang Tiên 3 chủ động trữ nước dùng.",
         "Mọi thông tin liên hệ số điện thoại đường dây nóng của công ty.",
     ]),
    (31, "Quyết định", "Ủy ban nhân dân huyện Phú Lương",
     "Quyết định giao chỉ tiêu tuyển quân năm 2026", [
         "Giao chỉ tiêu tuyển chọn và gọi công dân nhập ngũ năm 2026 cho các xã, thị trấn "
         "với tổng số 215 công dân.",
         "Xã Yên Lạc 18 công dân, xã Tân Hòa 14 công dân, thị trấn Đu 21 công dân.",
         "Hội đồng nghĩa vụ quân sự các xã tổ chức khám sức khỏe, xét duyệt chính trị bảo "
         "đảm công khai, dân chủ.",
         "Lễ giao nhận quân được tổ chức gọn nhẹ, trang trọng vào ngày 15 tháng 2.",
     ]),
    (32, "Báo cáo", "Ủy ban nhân dân xã Khe Mo",
     "Báo cáo kết quả thực hiện chương trình phát triển kinh tế - xã hội vùng đồng bào "
     "dân tộc thiểu số", [
         "Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào dân tộc "
         "thiểu số và miền núi được triển khai tại 6 thôn.",
         "Xã hỗ trợ 64 hộ chuyển đổi nghề, hỗ trợ nước sinh hoạt phân tán cho 120 hộ.",
         "Tuyến đường thôn Khe Mo - Khe Quân dài 3,2 km được cứng hóa bằng vốn của chương "
         "trình.",
         "Già làng, người có uy tín được phát huy vai trò vận động đồng bào giữ gìn bản sắc "
         "văn hóa.",
     ]),
    (33, "Công văn", "Ủy ban nhân dân xã Tân Hòa",
     "Về việc đăng ký khai sinh, cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi", [
         "Thực hiện liên thông thủ tục hành chính đăng ký khai sinh, đăng ký thường trú và "
         "cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi.",
         "Cha, mẹ có thể nộp hồ sơ trực tuyến trên Cổng dịch vụ công quốc gia mà không phải "
         "đến trụ sở.",
         "Công chức Tư pháp - Hộ tịch ông Phạm Quang Huy kiểm tra hồ sơ, đăng ký vào sổ và "
         "cập nhật cơ sở dữ liệu hộ tịch điện tử.",
         "Kết quả được trả qua dịch vụ bưu chính công ích nếu người dân có yêu cầu.",
     ]),
    (34, "Kế hoạch", "Ủy ban nhân dân huyện Phú Lương",
     "Kế hoạch phát triển du lịch cộng đồng gắn với vùng chè", [
         "Phát triển du lịch cộng đồng gắn với vùng chè Ôn Lương, Phấn Mễ và hồ Khe Quân.",
         "Hỗ trợ 10 hộ làm homestay đạt tiêu chuẩn phục vụ khách, đào tạo kỹ năng đón "
         "khách, nấu ăn và hướng dẫn viên tại điểm.",
         "Xây dựng tour trải nghiệm hái chè, sao chè thủ công và thưởng thức chè tại đồi "
         "chè Ôn Lương.",
         "Phấn đấu đến năm 2030 đón 50.000 lượt khách mỗi năm.",
     ]),
    (35, "Thông báo", "Ủy ban nhân dân xã Yên Lạc",
     "Thông báo triệu tập họp dân về dự án cánh đồng lớn", [
         "Ủy ban nhân dân xã triệu tập đại diện các hộ có ruộng tại xứ đồng Bãi Sậy họp "
         "bàn về dự án cánh đồng lớn.",
         "Dự án dồn điền đổi thửa, quy hoạch 45 ha ruộng thành vùng sản xuất lúa hàng hóa "
         "liên kết với doanh nghiệp bao tiêu.",
         "Cuộc họp bắt đầu lúc 14 giờ ngày 20 tháng 5 tại nhà văn hóa thôn Khe Cốc.",
         "Đề nghị các hộ mang theo giấy chứng nhận quyền sử dụng đất để đối chiếu.",
     ]),
    (36, "Báo cáo", "Ủy ban nhân dân thị trấn Đu",
     "Báo cáo công tác bảo vệ môi trường làng nghề", [
         "Làng nghề chế biến chè ở tổ dân phố Đồng Lâm có 130 hộ, phát sinh khói bụi từ "
         "lò sao chè đốt củi.",
         "Thị trấn vận động 86 hộ chuyển sang tôn sao chè dùng điện, giảm đáng kể khói bụi.",
         "Nước thải từ các cơ sở sản xuất nhỏ chưa được thu gom, xử lý trước khi thải ra "
         "môi trường.",
         "Đề nghị huyện hỗ trợ xây dựng hệ thống xử lý nước thải tập trung cho làng nghề.",
     ]),
]

#: Labelled queries: ``(query, document id)``. One to five words, as staff type them:
#: a place, a programme, a person's name, a figure; with and without diacritics.
QUERIES = [
    ("nông thôn mới nâng cao", 1), ("xa tan hoa ke hoach", 1), ("kênh mương nội đồng", 1),
    ("ho ngheo da chieu 1,5", 1),
    ("501.363", 2), ("501363 trieu dong", 2), ("nguồn lực huy động", 2),
    ("rac thai o vung sau", 2), ("96.420", 2),
    ("Nguyễn Văn Thành chuyển đổi số", 3), ("nen tang tich hop", 3),
    ("hồ sơ trực tuyến toàn trình", 3), ("nguoi dung dau", 3),
    ("tổ công nghệ số", 4), ("dinh danh dien tu thanh toan", 4), ("bí thư chi đoàn", 4),
    ("1.250 ha", 5), ("vu xuan", 5), ("ngày hội đại đoàn kết", 5), ("nha van hoa thon Lang Moi", 5),
    ("phòng cháy chữa cháy rừng", 6), ("truc canh lua", 6), ("rừng trồng keo", 6),
    ("tiếp công dân định kỳ", 7), ("tiếp nhận đơn thư", 7),
    ("Đề án 06", 8), ("dinh danh dien tu muc do 2", 8), ("lam sach du lieu ho tich", 8),
    ("4.215 cuon so", 9), ("phục chế", 9), ("so dang ky khai sinh", 9),
    ("hộ cận nghèo", 10), ("Khe Mo ho ngheo", 10), ("chuẩn nghèo đa chiều", 10),
    ("khu công nghiệp Sơn Cẩm", 11), ("thu hoi dat", 11), ("Đồng Lâm kiểm đếm", 11),
    ("12,6 ha", 11),
    ("Ngày hội văn hóa các dân tộc", 12), ("hoang van pao", 12), ("giã bánh giầy", 12),
    ("tiem chung mo rong", 13), ("dây chuyền lạnh", 13), ("97,6%", 13),
    ("rác thải sinh hoạt", 14), ("phan loai rac tai nguon", 14),
    ("khu dân cư kiểu mẫu", 15), ("Tran Duc Loc", 15), ("thôn Đồng Tâm", 15),
    ("tuyển sinh lớp 6", 16), ("Trung hoc co so Yen Lac", 16),
    ("vùng chè đặc sản", 17), ("Hoang Binh OCOP", 17), ("7.850 tấn", 17), ("VietGAP", 17),
    ("kế hoạch cải cách hành chính", 18), ("chi so hai long", 18),
    ("nhà tạm nhà dột nát", 19), ("dinh thi hau", 19),
    ("quy hoạch chung đô thị Giang Tiên", 20), ("2.135 ha", 20), ("do thi loai IV", 20),
    ("an ninh trật tự quý III", 21), ("lua dao qua mang", 21),
    ("bão số 3", 22), ("sat lo dat lu quet", 22), ("hồ Núi Cốc", 22),
    ("phụ nữ khởi nghiệp", 23), ("Nong Thi Thu Ha", 23), ("mien dong", 23),
    ("bầu trưởng thôn", 24), ("Luong Thi Mai", 24), ("Nguyễn Văn Thành trưởng thôn", 24),
    ("giải ngân vốn đầu tư công", 25), ("386.540", 25), ("214870", 25),
    ("Đỗ Văn Quyết", 26), ("bao ve an ninh To quoc", 26),
    ("sắp xếp đơn vị hành chính", 27), ("lay y kien cu tri", 27),
    ("chinh ly tai lieu luu tru", 28), ("35 mét giá", 28), ("Minh Nguyet nghiem thu", 28),
    ("trợ cấp xã hội hằng tháng", 29), ("5.624 doi tuong", 29),
    ("tam dung cap nuoc", 30), ("phố Mỏ Sắt", 30),
    ("tuyển quân năm 2026", 31), ("nghia vu quan su", 31),
    ("vùng đồng bào dân tộc thiểu số", 32), ("Khe Mo Khe Quan", 32), ("người có uy tín", 32),
    ("lien thong khai sinh", 33), ("Phạm Quang Huy", 33), ("bảo hiểm y tế trẻ dưới 6 tuổi", 33),
    ("du lịch cộng đồng", 34), ("homestay", 34), ("hai che sao che", 34),
    ("cánh đồng lớn", 35), ("Bai Say", 35), ("don dien doi thua", 35),
    ("làng nghề chè", 36), ("ton sao che dung dien", 36), ("nuoc thai lang nghe", 36),
    # Words each common in the set, together in one place only.
    ("tram y te Tan Hoa", 13), ("công an xã tuần tra", 6), ("trộm cắp tài sản", 21),
    ("ngan sach tinh 118.250", 2), ("trưởng thôn được tặng giấy khen", 15),
    ("Phó Chủ tịch Ủy ban nhân dân", 12), ("nguoi cao tuoi 75 tuoi", 29),
    ("duong giao thong nong thon", 1), ("ứng dụng dữ liệu dân cư", 8),
    ("san xuat lua hang hoa", 35),
]
