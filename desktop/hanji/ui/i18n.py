"""Korean and English UI text, following the system locale (``HANJI_LANG=ko|en`` overrides).

A plain translation table: the English text is the key, so an untranslated string still reads.
"""

from __future__ import annotations

import os

KO: dict[str, str] = {
    "&File": "파일(&F)", "&Edit": "편집(&E)", "&View": "보기(&V)", "&Tools": "도구(&T)", "&Go": "이동(&G)",
    "&Help": "도움말(&H)", "&Label": "라벨(&L)",
    "New project…": "새 프로젝트…", "Open project…": "프로젝트 열기…", "Open server project…": "서버 프로젝트 열기…",
    "A project on a PostgreSQL server: postgresql://user@host:port/database": "PostgreSQL 서버의 프로젝트: postgresql://사용자@호스트:포트/데이터베이스",
    "Add images…": "이미지 추가…",
    "Quit": "종료", "Undo": "실행 취소", "Redo": "다시 실행", "Copy": "복사", "Paste": "붙여넣기",
    "Paste to next document": "다음 문서에 붙여넣기", "Duplicate": "복제", "Delete": "삭제",
    "Delete vertex": "꼭짓점 삭제", "Select all": "모두 선택",
    "Select / edit": "선택 / 편집", "Rectangle": "사각형", "Quad (4 points)": "사각형 (4점)",
    "Polygon": "다각형", "Link question → answer": "질문 → 답 연결",
    "Zoom in": "확대", "Zoom out": "축소", "Fit to window": "창에 맞추기", "Show reading order": "읽기 순서 표시",
    "Next document": "다음 문서", "Previous document": "이전 문서", "Next region": "다음 영역",
    "Previous region": "이전 영역", "Edit text": "텍스트 편집", "Confirm region": "영역 확인",
    "Confirm document": "문서 확인", "Mark difficult": "판독 불가 표시",
    "Nudge left": "왼쪽으로 이동", "Nudge right": "오른쪽으로 이동", "Nudge up": "위로 이동",
    "Nudge down": "아래로 이동",
    "Keyboard shortcuts": "단축키", "Cheat sheet": "단축키 안내", "Edit shortcuts…": "단축키 편집…",
    "Entity schema…": "개체 스키마…", "Documents": "문서", "Regions": "영역", "Transcription": "전사",
    "Tags": "태그", "Key-values": "키-값", "Dashboard": "대시보드",
    "This image cannot be shown.": "이 이미지는 표시할 수 없습니다.",
    "Remove document": "문서 제거", "Confirm document and go to the next one not done": "문서 확인 후 다음 미완료 문서로",
    "Re-sort regions by position": "위치대로 영역 다시 정렬", "Move region up in the order": "영역을 순서에서 위로",
    "Move region down in the order": "영역을 순서에서 아래로", "Go to the Tags pane": "태그 창으로 이동",
    "Re-recognize all regions": "모든 영역 다시 인식", "Wheel zooms (without Ctrl)": "휠로 확대/축소 (Ctrl 없이)",
    "Other keys": "다른 키", "Keymap preset": "단축키 프리셋", "already the key of": "이미 다음 동작의 키입니다:",
    "Swap: give it": "바꾸기: 그 동작에", "instead?": "을(를) 줄까요?", "Take it from": "이 키를 가져올까요:",
    "Key already used": "이미 쓰는 키", "Swap": "바꾸기", "Take it": "가져오기",
    "Which tool's keys do you know? (Help → Edit shortcuts… changes it later.)":
        "어느 도구의 단축키에 익숙한가요? (나중에 도움말 → 단축키 편집…에서 바꿀 수 있습니다.)",
    "Ctrl+Wheel": "Ctrl+휠", "Wheel, Shift+Wheel": "휠, Shift+휠", "scroll": "스크롤",
    "Document confirmed; every document is done.": "문서를 확인했습니다. 모든 문서가 완료되었습니다.",
    "Document confirmed; on to the next one not done.": "문서를 확인했습니다. 다음 미완료 문서로 갑니다.",
    "Remove from the project": "프로젝트에서 제거", "Edit → Undo brings them back.": "편집 → 실행 취소로 되돌릴 수 있습니다.",
    "1-9 (canvas)": "1-9 (캔버스)", "tag the selected regions whole; 0 clears": "선택한 영역 전체에 태그, 0: 지우기",
    "Link to the next region": "다음 영역에 연결", "No region after this one to link to.": "이 영역 뒤에 연결할 영역이 없습니다.",
    "Removed": "제거함", "Regions re-sorted by position.": "영역을 위치대로 다시 정렬했습니다.", "Tagged": "태그함",
    "Filter by name": "이름으로 거르기", "new": "새 문서", "preannotated": "사전 주석", "in_progress": "진행 중",
    "done": "완료", "machine": "기계", "review": "검토", "edited": "편집됨", "confirmed": "확인됨",
    "difficult": "판독 불가",
    "Text": "텍스트", "Status": "상태", "Conf.": "신뢰도", "Key": "키", "Value": "값", "Source": "출처",
    "Name": "이름", "Title": "제목", "Colour": "색", "Personal": "개인정보", "Doc type": "문서 유형",
    "Add": "추가", "Remove": "제거", "From tags and links": "태그와 연결에서 만들기",
    "Links": "연결", "Question": "질문", "Answer": "답",
    "Read as “{read}”; corrected against the project's confirmed values":
        "“{read}”(으)로 읽힘: 프로젝트에서 확인된 값에 맞춰 고침",
    "Select tokens, then press an entity key (0 clears).": "토큰을 선택하고 개체 키를 누르세요 (0: 지우기).",
    "No region selected": "선택된 영역 없음",
    "documents": "문서", "regions": "영역", "links": "연결",
    "Action": "동작", "Shortcut": "단축키", "Reset": "초기화",
    "Open a project or create one from the File menu.": "파일 메뉴에서 프로젝트를 열거나 새로 만드세요.",
    "Creating the demo project…": "데모 프로젝트를 만드는 중…",
    "The demo project is not available in this build": "이 빌드에는 데모 프로젝트가 없습니다",
    "Cancel": "취소", "Working…": "작업 중…", "Images": "이미지", "Hanji projects": "한지 프로젝트",
    "Project": "프로젝트", "Error": "오류", "zoom": "배율", "Region": "영역",
    "Document": "문서", "Edit": "편집", "View": "보기", "Tools": "도구", "Go": "이동", "Label": "라벨",
    "Help": "도움말", "File": "파일", "Entity types": "개체 유형",
    "Confirm proposed tags": "제안된 태그 확인", "proposed": "제안", "dashed": "점선",
    "The model's proposed tags and key-values of this document become labels":
        "이 문서에서 모델이 제안한 태그와 키-값을 라벨로 확정합니다",
    "Mask personal numbers (keep the first digits only)": "개인 번호 가리기 (앞자리만 남김)",
    "Fields with personal data": "개인정보가 담긴 필드",
    "Masked in the texts written, and painted over in the images written.": "내보내는 텍스트에서 가리고, 내보내는 이미지에서는 그 영역을 칠해 가립니다.",
    # jobs, dashboard, import/export dialogs, tour, cheat sheet
    '&Jobs': '작업(&J)',
    'Jobs': '작업',
    'All checks': '모든 검사',
    'Another job is running; wait for it or cancel it.': '다른 작업이 실행 중입니다. 끝나기를 기다리거나 취소하세요.',
    'CORD receipts: json/*.json (valid_line words with quads, category, group_id) + image/': 'CORD 영수증: json/*.json (valid_line 단어와 사각형, category, group_id) + image/',
    'Check': '검사',
    'Choose a file or folder that exists.': '있는 파일이나 폴더를 고르세요.',
    'Choose where to write the export.': '내보낼 위치를 고르세요.',
    'Choose…': '선택…',
    'CoNLL BIO text: token TAB tag, blank line between documents (tags onto existing documents)': 'CoNLL BIO 텍스트: 토큰 TAB 태그, 문서 사이 빈 줄 (기존 문서에 태그를 붙임)',
    'Computing…': '계산 중…',
    'Confirm the region': '영역 확인',
    'Confirm the whole document': '문서 전체 확인',
    'Copied the document text': '문서 텍스트를 복사했습니다',
    'Copy the text of the selected document': '선택한 문서의 텍스트 복사',
    'Delete these documents and their labels? This cannot be undone.': '이 문서들과 라벨을 삭제할까요? 되돌릴 수 없습니다.',
    'Detect automatically': '자동 감지',
    'Detect text inside box': '상자 안 텍스트 검출',
    'Documents containing any of these words (one a line) are flagged:': '이 단어(한 줄에 하나)가 든 문서를 표시합니다:',
    'Documents marked done': '완료로 표시된 문서',
    'Donut: metadata.jsonl (file_name + ground_truth gt_parse JSON) + images': 'Donut: metadata.jsonl (file_name + ground_truth gt_parse JSON) + 이미지',
    'Draw a box (Q quad, P polygon, V back to select)': '상자 그리기 (Q 사각형 4점, P 다각형, V 선택으로)',
    'Draw or select one box to detect text inside.': '텍스트를 검출할 상자 하나를 그리거나 선택하세요.',
    'Duplicates': '중복',
    'Every shortcut, and rebinding them': '모든 단축키와 바꾸기',
    'Export CSV…': 'CSV 내보내기…',
    'Export PNG…': 'PNG 내보내기…',
    'Export report': '내보내기 보고서',
    'Export statistics to folder': '통계를 폴더로 내보내기',
    'Export to': '내보낼 곳',
    'Exporting…': '내보내는 중…',
    'Export…': '내보내기…',
    'Import…': '가져오기…',
    'FUNSD forms: annotations/*.json (form entities, words, linking) + images/': 'FUNSD 서식: annotations/*.json (서식 개체, 단어, 연결) + images/',
    'File…': '파일…',
    'Folder…': '폴더…',
    'Flagged': '표시됨',
    'Forbidden words': '금지어',
    'Forbidden words…': '금지어…',
    'Format': '형식',
    'Found': '찾음',
    'From': '가져올 곳',
    'To': '내보낼 곳',
    'Group': '그룹',
    'Hanji JSON Lines: every field of a project; images embedded (.jsonl) or in images/': 'Hanji JSON Lines: 프로젝트의 모든 필드, 이미지는 포함(.jsonl) 또는 images/ 폴더',
    'Hanji is made for the keyboard. These keys do most of the work:': '한지는 키보드로 씁니다. 이 키들로 대부분의 일을 합니다:',
    'Hanji looks at the file or folder and picks the format.': '한지가 파일이나 폴더를 보고 형식을 고릅니다.',
    "ICDAR 2015: gt_img_N.txt with x1,y1,...,x4,y4,transcription; ### = don't care": 'ICDAR 2015: gt_img_N.txt (x1,y1,...,x4,y4,전사), ### = 무시',
    'Import from file': '파일에서 가져오기',
    'Import from folder': '폴더에서 가져오기',
    'Images also from': '이미지 추가 허용 폴더',
    "Images outside the dataset's folder are not read; allow a folder here":
        '데이터셋 폴더 밖의 이미지는 읽지 않습니다. 허용할 폴더를 여기에 지정하세요',
    'Choose a folder that exists.': '있는 폴더를 고르세요.',
    'images the dataset names are outside its folder, in': '개 이미지가 데이터셋 폴더 밖에 있습니다. 위치',
    'Read images from these folders too?': '이 폴더의 이미지도 읽을까요?',
    'Images outside the dataset': '데이터셋 밖의 이미지',
    'Import report': '가져오기 보고서',
    'Importing…': '가져오는 중…',
    "It already exists: tick 'Replace it if it exists' or choose another name.": "이미 있습니다: '있으면 바꾸기'를 선택하거나 다른 이름을 고르세요.",
    'Jump to the most useful document to label next': '다음에 라벨링하면 가장 좋은 문서로 이동',
    'Keep one': '하나만 남기기',
    'Keep the selected one, delete the rest of its group': '선택한 것만 남기고 그룹의 나머지 삭제',
    'Keyboard tour': '키보드 둘러보기',
    'Kind': '종류',
    'Label Studio OCR template JSON export (annotations + predictions), tasks.json + images/': 'Label Studio OCR 템플릿 JSON 내보내기 (주석 + 예측), tasks.json + images/',
    'Label next': '다음 라벨링',
    'Left alone: a person already tagged this document.': '건너뜀: 사람이 이미 태그한 문서입니다.',
    'Let the models pre-annotate this document': '모델로 이 문서를 사전 주석',
    'Likely errors': '오류 의심',
    'Message': '메시지',
    'Model reads': '모델 판독',
    'Next document (PgUp: previous)': '다음 문서 (PgUp: 이전)',
    'Next most useful': '다음 추천 문서',
    'Next most useful document': '다음 추천 문서',
    'Next region; Shift+Tab goes back': '다음 영역, Shift+Tab은 이전',
    "No field of this project's schema is marked as personal data (Label → Entity schema…).": '이 프로젝트 스키마에 개인정보로 표시된 필드가 없습니다 (라벨 → 개체 스키마…).',
    'No project': '프로젝트 없음',
    'Nothing left to label.': '라벨링할 문서가 남지 않았습니다.',
    'Open a project first.': '먼저 프로젝트를 여세요.',
    'Options': '옵션',
    'PPOCRLabel folder: Label.txt, Cache.cach, fileState.txt (+ rec_gt.txt and crop_img/)': 'PPOCRLabel 폴더: Label.txt, Cache.cach, fileState.txt (+ rec_gt.txt와 crop_img/)',
    'PaddleOCR det_gt_train/val.txt + images/, rec_gt_train/val.txt + rectified crops/': 'PaddleOCR det_gt_train/val.txt + images/, rec_gt_train/val.txt + 바로 세운 잘라낸 이미지 crops/',
    'Pre-annotate selected documents': '선택한 문서 사전 주석',
    'Pre-annotate this document': '이 문서 사전 주석',
    'Pre-annotate whole project': '프로젝트 전체 사전 주석',
    'Pre-annotated': '사전 주석함',
    'Pre-annotation': '사전 주석',
    'Propose tags and key-values': '태그와 키-값 제안',
    'Train recognizer on this project': '이 프로젝트로 인식기 학습',
    'Train tagger on this project': '이 프로젝트로 태거 학습',
    'Train detector on this project': '이 프로젝트로 검출기 학습',
    'held-out H-mean': '검증 문서 H-mean',
    'held-out CER': '검증 문서 CER',
    'held-out F1': '검증 문서 F1',
    'now used for pre-annotation': '이제 사전 주석에 사용합니다',
    'not better; still using': '더 낫지 않아 계속 사용:',
    'Proposed': '제안함',
    'Rank': '순위',
    'Re-recognize region': '영역 다시 인식',
    'Re-recognized': '다시 인식함',
    'Read new boxes at once': '새 상자 바로 인식',
    'Read': '인식함',
    'Reading the new box failed': '새 상자 인식 실패',
    'Read a region again after moving its box': '상자를 옮긴 뒤 영역을 다시 인식',
    'Refresh': '새로 고침',
    'Replace it if it exists': '있으면 바꾸기',
    'Review queue': '검토 대기열',
    'SROIE receipts: box/*.csv quads + text, key/*.json company/date/address/total, img/': 'SROIE 영수증: box/*.csv 사각형 + 텍스트, key/*.json 회사/날짜/주소/합계, img/',
    'Score': '점수',
    'Search': '검색',
    'Search transcriptions and key-values': '전사와 키-값 검색',
    'Select a region to re-recognize.': '다시 인식할 영역을 선택하세요.',
    'Selected documents': '선택한 문서',
    'Show this at the next start': '다음 시작 때도 보기',
    'Skip bad entries and import the rest (a report lists them)': '잘못된 항목은 건너뛰고 나머지를 가져오기 (보고서에 목록)',
    'Statistics': '통계',
    'The folder does not exist': '폴더가 없습니다',
    'The whole project': '프로젝트 전체',
    "Type the region's text (Hangul input works); Enter again to finish": '영역의 텍스트 입력 (한글 입력 가능), Enter로 끝내기',
    'Undo (Ctrl+Shift+Z redo)': '실행 취소 (Ctrl+Shift+Z 다시 실행)',
    'What it does': '하는 일',
    'Where': '위치',
    'Why': '이유',
    'X-AnyLabeling / PaddleOCR KIE: ppocr_kie.json (label, id, linking per box) + class_list.txt': 'X-AnyLabeling / PaddleOCR KIE: ppocr_kie.json (상자마다 label, id, linking) + class_list.txt',
    'XFUND: LANG.SPLIT.json (documents with FUNSD entities) + LANG.SPLIT/ images': 'XFUND: LANG.SPLIT.json (FUNSD 개체가 있는 문서) + LANG.SPLIT/ 이미지',
    'already done before': '이미 완료됨',
    'cancelled; run it again to resume': '취소됨, 다시 실행하면 이어서 합니다',
    'duplicate groups': '중복 그룹',
    'failed': '실패',
    'files written to': '파일을 쓴 곳',
    'findings': '발견',
    'kept (yours)': '유지 (사용자 것)',
    'key-value': '키-값',
    'key-values': '키-값',
    'labelme JSON per image (rectangle/polygon shapes, imagePath or embedded imageData)': 'labelme 이미지별 JSON (사각형/다각형 도형, imagePath 또는 포함된 imageData)',
    'likely label errors': '라벨 오류 의심',
    'loading the models…': '모델을 불러오는 중…',
    'loading the tagger…': '태거를 불러오는 중…',
    'none': '없음',
    'region': '영역',
    'regions added': '영역 추가됨',
    'regions inside the box': '상자 안 영역',
    'tagged regions': '태그된 영역',
    'to review': '검토 필요',
    'Space+drag, middle drag': 'Space+드래그, 가운데 버튼 드래그',
    'pan': '화면 이동',
    'Wheel': '휠',
    'zoom at cursor': '커서 위치에서 확대/축소',
    'Double-click edge / Alt+click vertex': '변 더블클릭 / Alt+꼭짓점 클릭',
    'add / delete vertex': '꼭짓점 추가 / 삭제',
    '1-9, letters (Tags pane)': '1-9, 글자 키 (태그 창)',
    'tag the selected tokens': '선택한 토큰에 태그',
    'key': '키', 'value': '값', 'options': '옵션',
    'quad': '사각형 (4점)', 'polygon': '다각형',
    'nothing to undo': '실행 취소할 것이 없습니다',
    'nothing to redo': '다시 실행할 것이 없습니다',
    'copied': '복사함',
    'a region keeps at least 3 vertices': '영역에는 꼭짓점이 3개 이상 있어야 합니다',
    'linked': '연결함',
    'dashboard unavailable': '대시보드를 쓸 수 없습니다',
    'confirm document': '문서 확인',
    'confirm key-values': '키-값 확인',
    'confirm tags': '태그 확인',
    'delete': '삭제',
    'edit text': '텍스트 편집',
    'import tags': '태그 가져오기',
    'import': '가져오기',
    'key-values from tags': '태그에서 키-값',
    'move vertex': '꼭짓점 이동',
    'nudge': '이동',
    'paste': '붙여넣기',
    'propose key-values': '키-값 제안',
    'propose tags': '태그 제안',
    're-recognize': '다시 인식',
    'reading order': '읽기 순서',
    'tag': '태그',
    'add region': '영역 추가',
    'edit region': '영역 편집',
    'edit regions': '영역 편집',
    'delete region': '영역 삭제',
    'delete vertex': '꼭짓점 삭제',
    'add vertex': '꼭짓점 추가',
    'edit': '편집',
    'move': '이동',
    'duplicate': '복제',
}

# layout and context (issue 17: dashboard window, layout, recent projects, filters, schema, tour)
KO.update({
    "Reset layout": "레이아웃 초기화", "Recent projects": "최근 프로젝트", "No recent projects": "최근 프로젝트 없음",
    "Korean documents (receipt, ID card, business registration, credit card)":
        "한국 문서 (영수증, 주민등록증, 사업자등록증, 신용카드)",
    "No entity types (transcription only)": "개체 유형 없음 (전사만)",
    "Which documents will this project label?": "이 프로젝트에서 어떤 문서를 라벨링하나요?",
    "Documents by status": "상태별 문서", "Regions by status": "상태별 영역", "Documents by type": "유형별 문서",
    "Entities (BIO spans)": "개체 (BIO 구간)", "Region labels": "영역 라벨", "Key-values": "키-값",
    "Region height": "영역 높이", "pixels": "픽셀", "Aspect ratio (width / height)": "가로세로 비 (너비 / 높이)",
    "ratio (capped at 40)": "비율 (최대 40)", "Text length": "텍스트 길이", "characters": "글자",
    "Characters by class": "종류별 글자", "Labelling progress (regions confirmed)": "라벨링 진행 (확인된 영역)",
    "total": "누계", "per day": "하루", "nothing confirmed yet": "아직 확인된 것이 없습니다",
    "Characters the recognizer lacks": "인식기에 없는 글자", "no recognizer charset": "인식기 문자 집합 없음",
    "every labelled character\nis in the charset": "라벨의 모든 글자가\n문자 집합에 있습니다",
    "(none)": "(없음)", "hangul": "한글", "digit": "숫자", "symbol": "기호", "latin": "라틴", "cjk": "한자", "punct": "문장 부호",
    "other": "기타",
    "human": "사람", "tags": "태그",
    "Export personal numbers as they are (for training)": "개인 번호를 그대로 내보내기 (학습용)",
    "Mask personal numbers (for sharing)": "개인 번호 가리기 (공유용)", "Personal data": "개인정보",
    "Their values keep only the first digits (names the first and last syllable) in every text written, and their "
    "regions are painted over in the images written: a model trained on this export cannot learn these fields. "
    "The project is not changed.":
        "값은 앞자리만 남고(이름은 첫 글자와 끝 글자) 내보내는 이미지에서는 그 영역을 칠해 가립니다. "
        "이 내보내기로 학습한 모델은 이 필드를 배울 수 없습니다. 프로젝트는 바뀌지 않습니다.",
    "Written unchanged, in the texts and the images.": "텍스트와 이미지에 바꾸지 않고 씁니다.",
    "All statuses": "모든 상태", "All types": "모든 유형", "(no type)": "(유형 없음)",
    "No documents yet. Add scans or photos of documents, or import a dataset you already have (PPOCRLabel, "
    "labelme, FUNSD, …).": "아직 문서가 없습니다. 문서를 스캔하거나 찍은 이미지를 추가하거나, 이미 있는 데이터셋"
                          "(PPOCRLabel, labelme, FUNSD 등)을 가져오세요.",
    "region added": "영역 추가됨",
    "Link a question to its answer: drag from one box to the other": "질문을 답에 연결: 한 상자에서 다른 상자로 드래그",
    "Let the tagger propose entities and key-values": "태거가 개체와 키-값을 제안",
    "Go to the Tags pane to tag entities": "태그 창으로 가서 개체 태그",
    "Hanji is made for the keyboard. A document's labelling goes in five steps:":
        "한지는 키보드로 씁니다. 문서 하나의 라벨링은 다섯 단계입니다:",
    "1. Get the text regions": "1. 텍스트 영역 만들기",
    "Let the models pre-annotate this document: boxes, text and reading order.":
        "모델로 이 문서를 사전 주석: 상자, 텍스트, 읽기 순서.",
    "Or draw a box yourself (Q quad, P polygon, V back to select).":
        "또는 직접 상자 그리기 (Q 사각형 4점, P 다각형, V 선택으로).",
    "Go from region to region; Shift+Tab goes back.": "영역에서 영역으로 이동, Shift+Tab은 이전.",
    "2. Fix the text": "2. 텍스트 고치기",
    "Type the region's text (Hangul input works); Enter saves, Esc cancels.":
        "영역의 텍스트 입력 (한글 입력 가능), Enter로 저장, Esc로 취소.",
    "Read a region again after moving its box.": "상자를 옮긴 뒤 영역을 다시 인식.",
    "3. Tag the entities": "3. 개체 태그",
    "In the Tags pane, select tokens and press an entity's key from the legend (0 clears). The legend follows "
    "the document type.": "태그 창에서 토큰을 선택하고 범례의 개체 키를 누르세요 (0: 지우기). 범례는 문서 유형을 따릅니다.",
    "Or let the tagger propose entities and key-values, then confirm the proposed tags.":
        "또는 태거가 개체와 키-값을 제안하게 한 뒤 제안된 태그를 확인하세요.",
    "4. Link questions to answers": "4. 질문과 답 연결",
    "Drag from a question's box to its answer's box; the Key-values pane lists the links.":
        "질문 상자에서 답 상자로 드래그하세요. 키-값 창에 연결이 나옵니다.",
    "5. Confirm and move on": "5. 확인하고 다음으로",
    "Confirm the region: it turns green and the next one is selected.": "영역 확인: 초록색이 되고 다음 영역이 선택됩니다.",
    "Confirm the whole document when every region is right.": "모든 영역이 맞으면 문서 전체를 확인하세요.",
    "Jump to the most useful document to label next.": "다음에 라벨링하면 가장 좋은 문서로 이동.",
    "Every step can be undone, even after a restart.": "모든 단계는 다시 시작한 뒤에도 실행 취소할 수 있습니다.",
    "Back": "이전", "Next": "다음", "Close": "닫기",
    "Nothing to compare yet. This tab lists confirmed texts that the model read differently, and tags the "
    "tagger disagrees with: confirm some pre-annotated regions first.":
        "아직 비교할 것이 없습니다. 이 탭은 모델이 다르게 읽은 확인된 텍스트와 태거와 다른 태그를 보여 줍니다. "
        "먼저 사전 주석된 영역을 확인하세요.",
    "No likely errors: every confirmed region agrees with the model's reading, or was drawn and typed by hand, "
    "so there is no model reading to compare it with.":
        "오류 의심 없음: 확인된 영역이 모두 모델의 판독과 같거나, 손으로 그리고 입력해서 비교할 모델 판독이 없습니다.",
    "Nothing left to label: every document is done or has regions a person edited. Add images or import a "
    "dataset to get more.": "라벨링할 문서가 남지 않았습니다: 모든 문서가 완료되었거나 사람이 고친 영역이 있습니다. "
                            "더 하려면 이미지를 추가하거나 데이터셋을 가져오세요.",
    "Give every type a key and a colour of its own": "모든 유형에 고유한 키와 색 주기",
    "Types without a key, or with a key or colour another type of the same document type has, get free ones "
    "(colour-blind-safe colours); the others keep theirs.":
        "키가 없거나 같은 문서 유형의 다른 유형과 키나 색이 겹치는 유형에 빈 키와 색(색각 이상에도 구별되는 색)을 줍니다. "
        "나머지는 그대로 둡니다.",
    "Some entity types have no key or share a key or colour: Label → Entity schema… gives each its own.":
        "키가 없거나 키나 색이 겹치는 개체 유형이 있습니다: 라벨 → 개체 스키마…에서 각각 고유하게 바꿀 수 있습니다.",
    "(any type)": "(모든 유형)", "document": "문서", "Document type": "문서 유형",
    "Region colour: entity when tagged, else status": "영역 색: 태그가 있으면 개체, 없으면 상태",
})

# review and who did what (issue 21)
KO.update({
    "&Review": "검수(&R)", "Review": "검수", "Your name…": "내 이름…", "Your name": "내 이름",
    "Your edits and reviews are recorded under:": "편집과 검수가 이 이름으로 기록됩니다:",
    "Edits are recorded under": "편집 기록 이름:", "Submit for review": "검수 요청",
    "Accept document": "문서 승인", "Reject document…": "문서 반려…", "Reject document": "문서 반려",
    "Review queue…": "검수 대기열…", "Review queue": "검수 대기열", "Waiting for review": "검수 대기",
    "Returned to their labelers": "작업자에게 반려됨", "Why?": "반려 사유는?",
    "Why? (pinned to the selected region)": "반려 사유는? (선택한 영역에 표시)",
    "Submitted for review.": "검수를 요청했습니다.", "Accepted.": "승인했습니다.",
    "Rejected: back to its labeler.": "반려했습니다: 작업자에게 돌아갑니다.",
    "Rejected — back to you:": "반려됨 — 다시 작업해 주세요:", "In review:": "검수 중:", "region": "영역",
    "Open a document first.": "먼저 문서를 여세요.", "to label": "작업 전", "labelled": "작업 완료",
    "in review": "검수 중", "accepted": "승인", "rejected": "반려", "labeler": "작업자", "reviewer": "검수자",
    "comments": "의견", "comment": "의견", "out to {seat}": "{seat}에 반출됨", "People": "작업자", "Person": "작업자", "Edits": "편집", "Docs/hour": "문서/시간",
    "s/document": "초/문서", "Submitted": "제출", "Rejected": "반려", "Labelers / entity": "작업자 쌍 / 개체",
    "Merge conflicts…": "병합 충돌…",  # issue 22: the rest of its texts are in ui/conflicts.py
    "Keep a labeler's version…": "작업자 버전 채택…", "Keep a labeler's version": "작업자 버전 채택",
    "Whose version?": "누구의 버전을 채택할까요?", "Kept the version of": "버전 채택:",
    "No labeler's version of this document is kept.": "이 문서에는 저장된 작업자 버전이 없습니다.",
    "Disagree": "불일치", "Tag F1": "태그 F1", "Key-value F1": "키-값 F1", "(unnamed)": "(이름 없음)",
})

_LANG: str | None = None


def language() -> str:
    """``ko`` or ``en``: ``HANJI_LANG`` if set, else the system locale."""
    global _LANG
    if _LANG is None:
        env = os.environ.get("HANJI_LANG", "")
        if env in ("ko", "en"):
            _LANG = env
        else:
            from PySide6.QtCore import QLocale

            _LANG = "ko" if QLocale.system().language() == QLocale.Language.Korean else "en"
    return _LANG


def set_language(lang: str | None) -> None:
    """Set the UI language; leaving Korean takes Qt's Korean texts back out (a Cancel button would
    otherwise still read 취소 in an English window)."""
    global _LANG
    _LANG = lang
    if lang != "ko":
        remove_qt_translations()


def tr(text: str) -> str:
    """The UI text in the current language."""
    if language() == "ko":
        return KO.get(text, text)
    return text


_QT_TRANSLATORS: list = []


def install_qt_translations() -> None:
    """Qt's own texts (OK, Cancel, Close, Restore Defaults, file dialogs) in Korean too, from the
    translations shipped with Qt. Once per application; nothing to do in English."""
    if language() != "ko" or _QT_TRANSLATORS:
        return
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

    app = QCoreApplication.instance()
    if app is None:
        return
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase", "qt"):
        t = QTranslator(app)
        if t.load(QLocale(QLocale.Language.Korean), name, "_", path):
            app.installTranslator(t)
            _QT_TRANSLATORS.append(t)
            break


def remove_qt_translations() -> None:
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance()
    while _QT_TRANSLATORS:
        t = _QT_TRANSLATORS.pop()
        if app is not None:
            app.removeTranslator(t)


def entity_name(name: str, title: str = "") -> str:
    """An entity type's or key-value key's name as the UI shows it: the schema's display name in the
    UI's language (상호 / Store name), never the internal id when a display name is known."""
    from hanji.domain.schemas import display_name

    return display_name(name, title, language())


def doc_type_name(doc_type: str) -> str:
    """A document type as the UI shows it (사업자등록증 / Business registration)."""
    from hanji.domain.schemas import doc_type_name as name

    return name(doc_type, language()) if doc_type else tr("(any type)")


def status_name(status: str) -> str:
    """A document or region status as the UI shows it ("in progress", 진행 중), not the stored id."""
    return tr(status) if language() == "ko" else status.replace("_", " ")


def plural(n: int, one: str, many: str) -> str:
    """``n`` and the noun: "1 document", "2 documents" (Korean has one form: "1 문서", "2 문서")."""
    return f"{n} {tr(one if n == 1 else many)}"
