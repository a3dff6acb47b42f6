Attribute VB_Name = "XlsxTools"
' The buttons of the collections workbook (on its Control sheet; see docs/windows-setup.md).
' Each button runs one entry point of the Python module xlsx_tools.excel.buttons through
' xlwings' RunPython; that module does the work, shows progress in the status bar and ends
' with a message box.
'
' This file is the source of the VBA module: `xlsx-tools build-templates` compiles it
' into the .xlsm templates. Edit it here, not in the VBA editor.
Option Explicit

Public Sub XT_Refresh()
    RunPython "import xlsx_tools.excel.buttons as b; b.refresh()"
End Sub

Public Sub XT_TodayCalls()
    RunPython "import xlsx_tools.excel.buttons as b; b.today_calls()"
End Sub

Public Sub XT_GenerateLetters()
    RunPython "import xlsx_tools.excel.buttons as b; b.generate_letters()"
End Sub

Public Sub XT_Check()
    RunPython "import xlsx_tools.excel.buttons as b; b.check()"
End Sub

Public Sub XT_MonthlyReport()
    RunPython "import xlsx_tools.excel.buttons as b; b.monthly_report()"
End Sub

' xlwings' RunPython, called late-bound through Application.Run: the workbook then opens and
' compiles even where the xlwings add-in is missing, and a button says so instead of
' stopping with "Sub or Function not defined".
Private Sub RunPython(ByVal command As String)
    On Error GoTo Failed
    Application.Run "xlwings.xlam!RunPython", command
    Exit Sub
Failed:
    Dim message As String
    If Err.Number = 1004 Then
        ' "Cannot run the macro 'xlwings.xlam!RunPython'": the add-in is not loaded
        message = "This button cannot run Python: the xlwings add-in is not installed or not loaded." _
            & vbCrLf & "Install it as described in docs/windows-setup.md (xlwings addin install), then restart Excel." _
            & vbCrLf & vbCrLf _
            & XtText("\u6309\u94AE\u65E0\u6CD5\u8FD0\u884C Python\uFF1A\u672A\u5B89\u88C5\u6216\u672A\u52A0\u8F7D xlwings \u52A0\u8F7D\u9879\u3002") _
            & vbCrLf & XtText("\u8BF7\u6309 docs/windows-setup.md \u5B89\u88C5\uFF08xlwings addin install\uFF09\u540E\u91CD\u542F Excel\u3002")
    Else
        message = "Error " & Err.Number & ": " & Err.Description
    End If
    VBA.MsgBox message, vbCritical, "xlsx_tools"
End Sub

' Text with \uXXXX escapes as Unicode: the module source is kept in code page 1252.
' Public so ThisWorkbook shares it.
Public Function XtText(ByVal text As String) As String
    Dim i As Long
    i = 1
    Do While i <= VBA.Len(text)
        If VBA.Mid$(text, i, 2) = "\u" And i + 5 <= VBA.Len(text) Then
            XtText = XtText & VBA.ChrW(VBA.Val("&H" & VBA.Mid$(text, i + 2, 4)))
            i = i + 6
        Else
            XtText = XtText & VBA.Mid$(text, i, 1)
            i = i + 1
        End If
    Loop
End Function
