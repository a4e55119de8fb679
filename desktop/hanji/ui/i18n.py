"""Korean and English UI text, following the system locale (``HANJI_LANG=ko|en`` overrides).

A plain translation table: the English text is the key, so an untranslated string still reads.
"""

from __future__ import annotations

import os

KO: dict[str, str] = {
    "&File": "파일(&F)", "&Edit": "편집(&E)", "&View": "보기(&V)", "&Tools": "도구(&T)", "&Go": "이동(&G)",
    "&Help": "도움말(&H)", "&Label": "라벨(&L)",
    "New project…": "새 프로젝트…", "Open project…": "프로젝트 열기…", "Add images…": "이미지 추가…",
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
    "Filter by name": "이름으로 거르기", "new": "새 문서", "preannotated": "사전 주석", "in_progress": "진행 중",
    "done": "완료", "machine": "기계", "review": "검토", "edited": "편집됨", "confirmed": "확인됨",
    "difficult": "판독 불가",
    "Text": "텍스트", "Status": "상태", "Conf.": "신뢰도", "Key": "키", "Value": "값", "Source": "출처",
    "Name": "이름", "Title": "제목", "Colour": "색", "Personal": "개인정보", "Doc type": "문서 유형",
    "Add": "추가", "Remove": "제거", "From tags and links": "태그와 연결에서 만들기",
    "Links": "연결", "Question": "질문", "Answer": "답",
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
}

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
    global _LANG
    _LANG = lang


def tr(text: str) -> str:
    """The UI text in the current language."""
    if language() == "ko":
        return KO.get(text, text)
    return text
