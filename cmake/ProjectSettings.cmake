# The one INTERFACE target every CodeRunner target links: language level, warnings, strict Qt.
add_library(coderunner_settings INTERFACE)
add_library(CodeRunner::settings ALIAS coderunner_settings)
target_compile_features(coderunner_settings INTERFACE cxx_std_17)
target_compile_options(coderunner_settings INTERFACE -Wall -Wextra -Wpedantic)
if(CODERUNNER_WERROR)
    target_compile_options(coderunner_settings INTERFACE -Werror)
endif()
target_compile_definitions(coderunner_settings INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_KEYWORDS
    QT_NO_FOREACH
    CODERUNNER_VERSION="${PROJECT_VERSION}")
if(CODERUNNER_SANITIZE)
    target_compile_options(coderunner_settings INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(coderunner_settings INTERFACE -fsanitize=address,undefined)
endif()

# cr_add_library(name SOURCES ... LIBS ...): a static library of the engine or UI.
function(cr_add_library name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
    add_library(${name} STATIC ${ARG_SOURCES})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/server ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} PUBLIC coderunner_settings ${ARG_LIBS})
    if(CODERUNNER_PCH)
        target_precompile_headers(${name} PRIVATE ${CR_PCH_HEADERS})
    endif()
endfunction()

# Precompiled headers: the Qt and standard headers nearly every file includes.
set(CR_PCH_HEADERS
    <QByteArray> <QString> <QHash> <QList> <QObject> <QJsonObject> <QJsonArray>
    <QJsonDocument> <functional> <memory> <optional> <variant> <vector>)
